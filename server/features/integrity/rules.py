"""The integrity signals' kinds, thresholds and the rules of a moderator's decision.

Every threshold is a setting (environment variable, docs/api.md "Integrity flags");
0 turns its signal off. The defaults let a real room through — a school or an office
joining behind one address, people arriving after a poll opened — and catch one
client acting as a crowd, which the join limits (web/join_limits.py) bound but do not
tell staff about.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from server.core.errors import N_, Conflict
from server.core.text import clean_text, optional_text

JOIN_BURST = "join_burst"
IDENTICAL_VOTES = "identical_votes"
LATE_BALLOTS = "late_ballots"
BAN_EVASION = "ban_evasion"
KINDS = (JOIN_BURST, IDENTICAL_VOTES, LATE_BALLOTS, BAN_EVASION)

OPEN, DISMISSED, EXCLUDED, INCLUDED = "open", "dismissed", "excluded", "included"
STATES = (OPEN, DISMISSED, EXCLUDED, INCLUDED)
# A flag whose people may still be added to it (its signal going on) rather than to a new one.
GROWING = (OPEN,)

REASON_MAX = 500  # the field's label, "The reason", is in core/text.py's FIELD_LABELS


@dataclass(frozen=True)
class Thresholds:
    """When a signal becomes a flag (docs/api.md lists the variables)."""

    # (a) this many attendees joining from one address within `join_burst_seconds`.
    join_burst: int = 20
    join_burst_seconds: int = 60
    # (b) this many attendees who joined within `new_minutes` casting the same ballot
    # (or upvoting the same question) within `identical_seconds`.
    identical_voters: int = 10
    identical_seconds: int = 10
    new_minutes: int = 10
    # (c) a poll's ballots from attendees who joined after it opened: at least this many,
    # and at least this share of its ballots.
    late_ballots: int = 20
    late_share: float = 0.5
    # (d) a new device joining from a banned attendee's address within this many minutes.
    ban_evasion_minutes: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Thresholds:
        """The thresholds the environment sets (`INTEGRITY_<FIELD>`), defaults elsewhere;
        a value that is not a number keeps the default."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(f"INTEGRITY_{field.name.upper()}")
            if raw is None:
                continue
            try:
                value = float(raw) if field.type == "float" else int(raw)
            except ValueError:
                continue
            values[field.name] = max(value, 0)
        return cls(**values)


def parse_reason(value: Any, *, required: bool) -> str:
    """A moderator's reason: required to exclude or include again, optional to dismiss
    (codes `empty_reason`, `invalid_reason`, `reason_too_long`)."""
    if required:
        return clean_text(value, "reason", max_length=REASON_MAX)
    return optional_text(value, "reason", max_length=REASON_MAX)


def check_can_exclude(state: str) -> None:
    if state == EXCLUDED:
        raise Conflict("flag_excluded", N_("This flag's ballots and votes are already excluded."))


def check_can_include(state: str) -> None:
    if state != EXCLUDED:
        raise Conflict("flag_not_excluded", N_("This flag's ballots and votes are not excluded."))


def check_can_dismiss(state: str) -> None:
    if state not in (OPEN, INCLUDED):
        raise Conflict(
            "flag_decided", N_("Include this flag's ballots and votes again before dismissing it.")
        )
