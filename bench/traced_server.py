"""`python -m server` with its allocations traced, for `python -m bench.soak --trace-memory`.

On each SIGUSR2 the server writes a tracemalloc snapshot of what it holds, after
a full collection, to `$TRACE_MEMORY_DIR/<n>.snapshot` (the event loop stops
while it does). Tracing starts at the first signal, not at start-up: what was
allocated before is in no snapshot, so comparing the first with the last shows
what the run since the first allocated and still holds, and start-up and the
arrivals are not slowed.
Tracing costs CPU on every allocation, so a traced run's latencies are not
comparable with an untraced one's; its memory growth is.
"""

from __future__ import annotations

import gc
import os
import runpy
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

FRAMES = 8  # enough to see which of Baraza's lines called the library that allocated


def dump(_signal: int, _frame: FrameType | None) -> None:
    if not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    # Only what is reachable: the young generation is collected every 50,000
    # allocations (server/realtime/serving.py), so closed connections' cycles can
    # wait minutes for it on a quiet server, and would read as growth.
    gc.collect()
    folder = Path(os.environ["TRACE_MEMORY_DIR"])
    final = folder / f"{len(list(folder.glob('*.snapshot'))):03}.snapshot"
    partial = final.with_suffix(".partial")
    tracemalloc.take_snapshot().dump(str(partial))
    partial.rename(final)  # whole, or not there: the soak waits for this name


if __name__ == "__main__":
    signal.signal(signal.SIGUSR2, dump)
    runpy.run_module("server", run_name="__main__", alter_sys=True)
