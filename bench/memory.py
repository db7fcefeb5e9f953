"""What a traced server (bench/traced_server.py) holds more of at the end than at the start.

`snapshot` asks the server for a tracemalloc snapshot and waits for it;
`growth(first, last)` compares two of them: the allocation sites whose live
memory grew the most, each with the Baraza line that led to it (the innermost
frame under `server/`), so that a library's allocation is attributed to the
code that asked for it.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
import tracemalloc
from pathlib import Path
from typing import Any

from .coordinator import ROOT

IGNORED = (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<*>"))


async def snapshot(pid: int, folder: Path, timeout: float = 300) -> Path:
    """Signal the server `pid` to write its next snapshot into `folder`; its path once whole."""
    expected = folder / f"{len(list(folder.glob('*.snapshot'))):03}.snapshot"
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + timeout
    while not expected.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no snapshot {expected} after {timeout} s")
        await asyncio.sleep(0.5)
    return expected


def growth(first: Path, last: Path, top: int = 15) -> list[dict[str, Any]]:
    """The `top` allocation sites by growth from `first` to `last`, largest first."""
    before = tracemalloc.Snapshot.load(str(first)).filter_traces(IGNORED)
    after = tracemalloc.Snapshot.load(str(last)).filter_traces(IGNORED)
    rows = []
    for stat in after.compare_to(before, "traceback")[:top]:
        frames = list(stat.traceback)  # oldest call first, the allocation last
        ours = next((f for f in reversed(frames) if "/server/" in f.filename), None)
        rows.append(
            {
                "kb": round(stat.size_diff / 1024, 1),
                "objects": stat.count_diff,
                "allocated_at": _where(frames[-1]),
                "from_baraza": _where(ours) if ours else None,
            }
        )
    return rows


def _where(frame: tracemalloc.Frame) -> str:
    """`server/x.py:12`, `eventlet/wsgi.py:837`, `socket.py:338`: the path from the
    project, the installed package or the standard library."""
    path = frame.filename.removeprefix(f"{ROOT}/")
    path = re.sub(r"^.*/site-packages/", "", path)
    path = re.sub(r"^.*/lib/python3\.\d+/", "", path)
    return f"{path}:{frame.lineno}"
