"""A consultation's life: a draft, then live, then ended; once ended, nothing changes."""

from __future__ import annotations

from .errors import N_, Conflict

DRAFT, LIVE, ENDED = "draft", "live", "ended"


def check_not_ended(state: str) -> None:
    if state == ENDED:
        raise Conflict("consultation_ended", N_("This consultation has ended."))
