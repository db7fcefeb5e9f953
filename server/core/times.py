"""How moments travel: ISO 8601 with an offset, always UTC on the wire."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
