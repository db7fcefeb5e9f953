"""Agenda commands: start, move on, go back, extend, reorder, add, rename or re-time, end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import Viewer
from server.core.errors import N_, Conflict, DomainError
from server.core.events import MODERATOR, EventDraft, LoggedEvent
from server.core.lifecycle import DRAFT, ENDED, LIVE
from server.core.models import AgendaItem, Consultation
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.text import clean_text, require_int
from server.core.times import iso
from server.core.unit_of_work import Outcome, unit_of_work

from . import rules
from .views import AgendaView, ItemView


def start_item(core: Core, viewer: Viewer, item_id: Any) -> Outcome:
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        item = rules.find_item(uow.consultation.items, item_id)
        rules.check_can_start(item)
        uow.log(_switch_to(uow.consultation, item, uow.now))
    return uow.outcome


def next_item(core: Core, viewer: Viewer) -> Outcome:
    return _step(core, viewer, rules.next_item)


def previous_item(core: Core, viewer: Viewer) -> Outcome:
    return _step(core, viewer, rules.previous_item)


Step = Callable[[list[AgendaItem], AgendaItem | None], AgendaItem]


def _step(core: Core, viewer: Viewer, step: Step) -> Outcome:
    """Move from the running item to the one `step` finds (the next, the previous)."""
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        items = uow.consultation.items
        uow.log(_switch_to(uow.consultation, step(items, rules.active_item(items)), uow.now))
    return uow.outcome


def extend_item(core: Core, viewer: Viewer, item_id: Any, minutes: Any) -> Outcome:
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        item = rules.find_item(uow.consultation.items, item_id)
        added = require_int(minutes, "minutes", minimum=1, maximum=rules.MAX_EXTENSION_MINUTES)
        item.extra_seconds += added * 60
        uow.log([EventDraft("item_extended", {**item_view(item, uow.now), "minutes": added})])
    return uow.outcome


def reorder_items(core: Core, viewer: Viewer, order: Any) -> Outcome:
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        items = uow.consultation.items
        ids = rules.check_reorder(items, order)
        by_id = {item.id: item for item in items}
        for position, item_id in enumerate(ids):
            by_id[item_id].position = position
        items.sort(key=lambda item: item.position)
        uow.log([EventDraft("agenda_reordered", {"order": ids})])
    return uow.outcome


def add_item(core: Core, viewer: Viewer, title: Any, minutes: Any) -> Outcome:
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        items = uow.consultation.items
        if len(items) >= rules.MAX_ITEMS:
            raise Conflict("too_many_items", N_("An agenda holds at most 50 items."))
        item = AgendaItem(
            position=len(items),
            title=clean_text(title, "title", max_length=200),
            planned_minutes=require_int(minutes, "minutes", minimum=1, maximum=600),
        )
        items.append(item)
        uow.tx.flush()
        uow.log([EventDraft("item_added", dict(item_view(item, uow.now)))])
    return uow.outcome


def update_item(core: Core, viewer: Viewer, item_id: Any, title: Any, minutes: Any) -> Outcome:
    """Rename an item or change its planned minutes (either or both), live."""
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        item = rules.find_item(uow.consultation.items, item_id)
        if title is None and minutes is None:
            raise DomainError("empty_change", N_("Send a new title, new minutes, or both."))
        if title is not None:
            item.title = clean_text(title, "title", max_length=200)
        if minutes is not None:
            item.planned_minutes = require_int(minutes, "minutes", minimum=1, maximum=600)
        uow.log([EventDraft("item_updated", dict(item_view(item, uow.now)))])
    return uow.outcome


def end_consultation(core: Core, viewer: Viewer) -> Outcome:
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        consultation, now = uow.consultation, uow.now
        drafts = _stop_active(consultation, now)
        if consultation.started_at is None:
            consultation.started_at = now
        consultation.state = ENDED
        consultation.ended_at = now
        uow.log([*drafts, EventDraft("consultation_ended", {"ended_at": now.isoformat()})])
    return uow.outcome


def record_overruns(core: Core) -> list[LoggedEvent]:
    """Log, once per item, that a running item has used up its time (the ticker calls this)."""
    now = core.now()
    logged: list[LoggedEvent] = []
    with core.store.reading() as tx:
        candidates = tx.scalars(
            select(AgendaItem.consultation_id).where(
                AgendaItem.state == rules.ACTIVE, AgendaItem.overrun_logged.is_(False)
            )
        ).all()
    for consultation_id in candidates:
        with core.store.transaction() as tx:
            consultation = tx.get_one(Consultation, consultation_id, with_for_update=True)
            item = rules.active_item(consultation.items)
            if item is None or item.overrun_logged or rules.item_timing(item, now).remaining > 0:
                continue
            item.overrun_logged = True
            draft = EventDraft("item_overran", dict(item_view(item, now)))
            logged += event_log.append(tx, consultation, None, [draft], now)
    return logged


def _switch_to(consultation: Consultation, item: AgendaItem, now: datetime) -> list[EventDraft]:
    drafts = _stop_active(consultation, now)
    if consultation.state == DRAFT:
        consultation.state = LIVE
        consultation.started_at = now
        baseline = rules.plan_baseline(consultation.scheduled_start, now)
        planned_end = baseline + timedelta(minutes=consultation.planned_minutes)
        drafts.append(
            EventDraft(
                "consultation_started",
                {"started_at": now.isoformat(), "planned_end": planned_end.isoformat()},
            )
        )
    item.state = rules.ACTIVE
    item.run_started_at = now
    item.first_started_at = item.first_started_at or now
    drafts.append(EventDraft("item_started", dict(item_view(item, now))))
    return drafts


def _stop_active(consultation: Consultation, now: datetime) -> list[EventDraft]:
    item = rules.active_item(consultation.items)
    if item is None:
        return []
    item.elapsed_before = rules.item_timing(item, now).elapsed
    item.run_started_at = None
    item.state = rules.DONE
    item.last_ended_at = now
    return [EventDraft("item_ended", dict(item_view(item, now)))]


class ShownItem(rules.ClockedItem, Protocol):
    """What an item's view is made from: a stored row, or its facts kept for attendees."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def first_started_at(self) -> datetime | None: ...
    @property
    def last_ended_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ItemFacts:
    """An agenda item as read, kept between attendees' snapshots (its clocks are
    computed from it at each one)."""

    id: int
    position: int
    title: str
    description: str
    planned_minutes: int
    extra_seconds: int
    state: str
    first_started_at: datetime | None
    last_ended_at: datetime | None
    run_started_at: datetime | None
    elapsed_before: int

    @classmethod
    def of(cls, item: AgendaItem) -> ItemFacts:
        return cls(
            item.id,
            item.position,
            item.title,
            item.description,
            item.planned_minutes,
            item.extra_seconds,
            item.state,
            item.first_started_at,
            item.last_ended_at,
            item.run_started_at,
            item.elapsed_before,
        )


def agenda_items(tx: Session, consultation: Consultation) -> tuple[ItemFacts, ...]:
    """The consultation's agenda as read; every attendee's snapshot shares it (an
    attendee's transaction does not load the items with the consultation)."""
    return shared(tx, "agenda", lambda: tuple(ItemFacts.of(item) for item in consultation.items))


def item_view(item: ShownItem, now: datetime) -> ItemView:
    """An item as screens show it; timings are as of `now`, clocks tick on from there."""
    timing = rules.item_timing(item, now)
    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "description": item.description,
        "planned_minutes": item.planned_minutes,
        "extra_seconds": item.extra_seconds,
        "state": item.state,
        "first_started_at": iso(item.first_started_at),
        "last_ended_at": iso(item.last_ended_at),
        "run_started_at": iso(item.run_started_at),
        "elapsed_before": item.elapsed_before,
        "elapsed": timing.elapsed,
        "remaining": timing.remaining,
        "overrun": timing.overrun,
    }


def agenda_view(
    consultation: Consultation, items: Sequence[ShownItem], now: datetime
) -> AgendaView:
    # Not started yet: measured as if it started now, if "now" is another occasion.
    baseline = rules.plan_baseline(consultation.scheduled_start, consultation.started_at or now)
    planned_end = baseline.timestamp() + consultation.planned_minutes * 60
    projected = rules.projected_end(items, now, baseline)
    active = rules.active_item(items)
    return {
        "items": [item_view(item, now) for item in items],
        "active_item_id": active.id if active else None,
        "projected_end": projected.isoformat(),
        "planned_end": datetime.fromtimestamp(planned_end, UTC).isoformat(),
        "projected_overrun": max(0, int(projected.timestamp() - planned_end)),
    }
