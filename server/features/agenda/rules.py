"""Agenda rules: which transitions are allowed, and the clock every screen shows.

The server is the clock. Each item keeps the time it has run on earlier visits
(`elapsed_before`) and the start of its current run; everything a screen shows —
elapsed, remaining, overrun, projected end — is derived from those and `now`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from server.core.errors import N_, Conflict, DomainError, NotFound
from server.core.ids import as_id

PENDING, ACTIVE, DONE = "pending", "active", "done"
MAX_EXTENSION_MINUTES = 60
MAX_ITEMS = 50
# A start this far from the schedule is a rehearsal or a demo, not a late start.
REHEARSAL_GAP = timedelta(hours=6)


class ClockedItem(Protocol):
    """What the rules read of an item (read only: a stored row or facts kept of one)."""

    @property
    def id(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def planned_minutes(self) -> int: ...
    @property
    def extra_seconds(self) -> int: ...
    @property
    def elapsed_before(self) -> int: ...
    @property
    def run_started_at(self) -> datetime | None: ...
    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class ItemTiming:
    allotted: int  # seconds: planned plus extensions
    elapsed: int
    remaining: int  # negative once the item runs over
    overrun: int


# Whichever kind of item the caller holds (a stored row, say) comes back.
Item = TypeVar("Item", bound=ClockedItem)


def active_item(items: Iterable[Item]) -> Item | None:
    """The item running now, if any (at most one is)."""
    return next((item for item in items if item.state == ACTIVE), None)


def find_item(items: Iterable[Item], item_id: Any) -> Item:
    """The item `item_id` names; `unknown_item` if it names none of these."""
    wanted = as_id(item_id)
    for item in items:
        if wanted is not None and item.id == wanted:
            return item
    raise NotFound("unknown_item", N_("This agenda item does not exist."))


def item_timing(item: ClockedItem, now: datetime) -> ItemTiming:
    running = (now - item.run_started_at).total_seconds() if item.run_started_at else 0
    elapsed = item.elapsed_before + max(0, int(running))
    allotted = item.planned_minutes * 60 + item.extra_seconds
    remaining = allotted - elapsed
    return ItemTiming(allotted, elapsed, remaining, max(0, -remaining))


def projected_end(items: Sequence[ClockedItem], now: datetime, scheduled: datetime) -> datetime:
    """When the agenda will finish if every item still to come keeps to its time."""
    active = [i for i in items if i.state == ACTIVE]
    if not active and all(i.state == PENDING for i in items):
        total = sum(item_timing(i, now).allotted for i in items)
        return max(now, scheduled) + timedelta(seconds=total)
    seconds = 0
    after = active[0].position if active else -1
    for item in items:
        if item.state == ACTIVE:
            seconds += max(0, item_timing(item, now).remaining)
        elif item.state == PENDING and item.position > after:
            seconds += item_timing(item, now).allotted
    return now + timedelta(seconds=seconds)


def plan_baseline(scheduled: datetime, started: datetime | None) -> datetime:
    """The moment the plan is measured from: the scheduled start, unless the
    consultation started on another occasion altogether (a rehearsal, the demo)."""
    if started is not None and abs(started - scheduled) > REHEARSAL_GAP:
        return started
    return scheduled


def check_can_start(item: ClockedItem) -> None:
    if item.state == ACTIVE:
        raise Conflict("item_already_active", N_("This agenda item is already running."))


def next_item(items: Sequence[Item], current: ClockedItem | None) -> Item:
    after = current.position if current else -1
    following = [i for i in items if i.position > after]
    if not following:
        raise Conflict("no_next_item", N_("This is the last agenda item."))
    return following[0]


def previous_item(items: Sequence[Item], current: ClockedItem | None) -> Item:
    if current is None:
        raise Conflict("no_active_item", N_("No agenda item is running."))
    before = [i for i in items if i.position < current.position]
    if not before:
        raise Conflict("no_previous_item", N_("This is the first agenda item."))
    return before[-1]


def check_reorder(items: Sequence[ClockedItem], order: Any) -> list[int]:
    """`order` must name every item exactly once."""
    ids = sorted(i.id for i in items)
    if (
        not isinstance(order, list)
        or any(isinstance(x, bool) or not isinstance(x, int) for x in order)
        or sorted(order) != ids
    ):
        raise DomainError(
            "invalid_order", N_("Send every agenda item's id exactly once, in the new order.")
        )
    return order
