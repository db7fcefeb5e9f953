"""SQLite's own work, counted in its virtual machine's steps.

A statement's steps do not change with the load on the machine, so a test can
assert on them and a benchmark can print them beside CPU time, which does change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from server.core.runtime import Core

# SQLite's virtual machine steps between two calls of a progress handler.
STEPS_PER_TICK = 100


def sqlite_work(core: Core, read: Callable[[], object]) -> int:
    """Hundreds of SQLite virtual-machine steps the statements of `read` take: a
    statement's own work, which no load on the machine changes."""
    ticks = [0]

    def tick() -> int:
        ticks[0] += 1
        return 0  # go on

    def counted(connection: sa.Connection, *_: Any) -> None:
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.set_progress_handler(tick, STEPS_PER_TICK)

    sa.event.listen(core.store.engine, "before_cursor_execute", counted)
    try:
        read()
    finally:
        sa.event.remove(core.store.engine, "before_cursor_execute", counted)
    return ticks[0]
