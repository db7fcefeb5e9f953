"""Row ids as clients send them: whole numbers the database can hold, or nothing.

Every table's id is the databases' 32-bit INTEGER. A number past it names no
row, but handed to a query it is the database's error instead of ours (SQLite
cannot bind an integer past 64 bits; PostgreSQL refuses one past 32 bits where
it is written), so ids are bounded here, before any query sees them.
"""

from __future__ import annotations

from typing import Any

MAX_ID = 2**31 - 1


def as_id(value: Any) -> int | None:
    """`value` if it can be a row's id (1 to 2^31 - 1, booleans excluded), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value
