"""Commands running on this worker, and refusing new ones once it is stopping.

`server/realtime/draining.py` sets `state.stopping` on SIGTERM and waits for `running`
to reach zero; `commands.run` counts every command in and out here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from .errors import try_again
from .runtime import Core


class Drain:
    """Whether this worker is stopping, and how many commands it is running."""

    def __init__(self) -> None:
        self.stopping = False
        self.running = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        """Count a command in, unless the worker is stopping."""
        with self._lock:
            if self.stopping:
                return False
            self.running += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.running -= 1


state = Drain()

Run = Callable[..., dict[str, Any]]


def counted(run: Run) -> Run:
    """Run commands while the worker serves; once it is stopping, answer `try_again`."""

    @wraps(run)
    def run_unless_stopping(
        core: Core, viewer: Any, name: str, payload: Any, translate: Any, *rest: Any
    ) -> dict[str, Any]:
        if not state.enter():
            return {"ok": False, "error": {"code": "try_again", "message": translate(try_again())}}
        try:
            return run(core, viewer, name, payload, translate, *rest)
        finally:
            state.leave()

    return run_unless_stopping
