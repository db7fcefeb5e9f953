"""The polls' wire shape: a poll's definition and state, never its results."""

from __future__ import annotations

from typing import Any, TypedDict


class PollView(TypedDict):
    """A poll as every screen shows it."""

    id: int
    item_id: int | None
    position: int
    type: str
    question: str
    options: list[str]
    max_choices: int | None
    scale_min: int | None
    scale_max: int | None
    low_label: str
    high_label: str
    visibility: str
    allow_change: bool
    method: str  # how results are counted: Borda points or people
    state: str
    opened_at: str | None
    closed_at: str | None


class PollsView(TypedDict):
    """The polls a viewer may see, the live one, the results they may see (by poll id),
    and their own ballots (by poll id)."""

    items: list[PollView]
    live_poll_id: int | None
    results: dict[str, dict[str, Any]]
    my_ballots: dict[str, Any]


class PollsPart(TypedDict):
    polls: PollsView
