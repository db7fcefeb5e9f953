"""The integrity flags' wire shape (staff only)."""

from __future__ import annotations

from typing import Any, TypedDict


class FlagView(TypedDict):
    """One flag: its kind and state, what it is about, who, the evidence, the decision.

    `evidence` holds `count` (attendees), `first` and `last` (moments of their acts) and
    the kind's own facts (docs/api.md). `excluded_ballots` and `excluded_votes` count
    the rows the flag keeps out of the results now.
    """

    id: int
    kind: str
    state: str
    poll_id: int | None
    question_id: int | None
    participant_ids: list[int]
    evidence: dict[str, Any]
    raised_at: str
    updated_at: str
    decided_at: str | None
    decided_by: int | None
    reason: str
    excluded_ballots: int
    excluded_votes: int


class FlagsView(TypedDict):
    flags: list[FlagView]


class IntegrityPart(TypedDict):
    """Staff's snapshot part: every flag, newest first."""

    integrity: FlagsView
