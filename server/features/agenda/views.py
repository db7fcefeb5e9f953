"""The agenda's wire shapes: an item, and the whole agenda with its projections."""

from __future__ import annotations

from typing import TypedDict


class ItemView(TypedDict):
    """An item as screens show it; the timings (seconds) are as of the moment it was sent."""

    id: int
    position: int
    title: str
    description: str
    planned_minutes: int
    extra_seconds: int
    state: str
    first_started_at: str | None
    last_ended_at: str | None
    run_started_at: str | None
    elapsed_before: int
    elapsed: int
    remaining: int
    overrun: int


class AgendaView(TypedDict):
    """The agenda in order, the item running (if any), and the planned and projected ends."""

    items: list[ItemView]
    active_item_id: int | None
    projected_end: str
    planned_end: str
    projected_overrun: int
