"""Agenda commands: start, move on, go back, extend, reorder, add, end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import Viewer, open_command
from server.core.errors import N_, Conflict, NotFound
from server.core.events import MODERATOR, EventDraft, LoggedEvent
from server.core.lifecycle import DRAFT, ENDED, LIVE, check_not_ended
from server.core.models import AgendaItem, Consultation
from server.core.runtime import Core
from server.core.text import clean_text, require_int
from server.core.times import iso

from . import rules

Change = Callable[[Session, Consultation, datetime], list[EventDraft]]


def _moderate(core: Core, viewer: Viewer, change: Change) -> list[LoggedEvent]:
    """Run one agenda change as a moderator's command, in one transaction."""
    now = core.now()
    with core.store.transaction() as tx:
        consultation, actor = open_command(tx, viewer, {MODERATOR})
        check_not_ended(consultation.state)
        drafts = change(tx, consultation, now)
        return event_log.append(tx, consultation, actor, drafts, now)


def start_item(core: Core, viewer: Viewer, item_id: Any) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        item = _item(consultation, item_id)
        rules.check_can_start(item)
        return _switch_to(consultation, item, now)

    return _moderate(core, viewer, change)


def next_item(core: Core, viewer: Viewer) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        target = rules.next_item(consultation.items, _active(consultation))
        return _switch_to(consultation, target, now)

    return _moderate(core, viewer, change)


def previous_item(core: Core, viewer: Viewer) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        target = rules.previous_item(consultation.items, _active(consultation))
        return _switch_to(consultation, target, now)

    return _moderate(core, viewer, change)


def extend_item(core: Core, viewer: Viewer, item_id: Any, minutes: Any) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        item = _item(consultation, item_id)
        added = require_int(minutes, "minutes", minimum=1, maximum=rules.MAX_EXTENSION_MINUTES)
        item.extra_seconds += added * 60
        return [EventDraft("item_extended", {**item_view(item, now), "minutes": added})]

    return _moderate(core, viewer, change)


def reorder_items(core: Core, viewer: Viewer, order: Any) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        ids = rules.check_reorder(consultation.items, order)
        by_id = {item.id: item for item in consultation.items}
        for position, item_id in enumerate(ids):
            by_id[item_id].position = position
        consultation.items.sort(key=lambda item: item.position)
        return [EventDraft("agenda_reordered", {"order": ids})]

    return _moderate(core, viewer, change)


def add_item(core: Core, viewer: Viewer, title: Any, minutes: Any) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        if len(consultation.items) >= rules.MAX_ITEMS:
            raise Conflict("too_many_items", N_("An agenda holds at most 50 items."))
        item = AgendaItem(
            position=len(consultation.items),
            title=clean_text(title, "title", max_length=200),
            planned_minutes=require_int(minutes, "minutes", minimum=1, maximum=600),
        )
        consultation.items.append(item)
        tx.flush()
        return [EventDraft("item_added", item_view(item, now))]

    return _moderate(core, viewer, change)


def end_consultation(core: Core, viewer: Viewer) -> list[LoggedEvent]:
    def change(tx: Session, consultation: Consultation, now: datetime) -> list[EventDraft]:
        drafts = _stop_active(consultation, now)
        if consultation.started_at is None:
            consultation.started_at = now
        consultation.state = ENDED
        consultation.ended_at = now
        return [*drafts, EventDraft("consultation_ended", {"ended_at": now.isoformat()})]

    return _moderate(core, viewer, change)


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
            item = _active(consultation)
            if item is None or item.overrun_logged or rules.item_timing(item, now).remaining > 0:
                continue
            item.overrun_logged = True
            draft = EventDraft("item_overran", item_view(item, now))
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
    drafts.append(EventDraft("item_started", item_view(item, now)))
    return drafts


def _stop_active(consultation: Consultation, now: datetime) -> list[EventDraft]:
    item = _active(consultation)
    if item is None:
        return []
    item.elapsed_before = rules.item_timing(item, now).elapsed
    item.run_started_at = None
    item.state = rules.DONE
    item.last_ended_at = now
    return [EventDraft("item_ended", item_view(item, now))]


def _active(consultation: Consultation) -> AgendaItem | None:
    return next((i for i in consultation.items if i.state == rules.ACTIVE), None)


def _item(consultation: Consultation, item_id: Any) -> AgendaItem:
    for item in consultation.items:
        if item.id == item_id and not isinstance(item_id, bool):
            return item
    raise NotFound("unknown_item", N_("This agenda item does not exist."))


def item_view(item: AgendaItem, now: datetime) -> dict[str, Any]:
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


def agenda_view(consultation: Consultation, now: datetime) -> dict[str, Any]:
    items = consultation.items
    # Not started yet: measured as if it started now, if "now" is another occasion.
    baseline = rules.plan_baseline(consultation.scheduled_start, consultation.started_at or now)
    planned_end = baseline.timestamp() + consultation.planned_minutes * 60
    projected = rules.projected_end(items, now, baseline)
    active = _active(consultation)
    return {
        "items": [item_view(item, now) for item in items],
        "active_item_id": active.id if active else None,
        "projected_end": projected.isoformat(),
        "planned_end": datetime.fromtimestamp(planned_end, UTC).isoformat(),
        "projected_overrun": max(0, int(projected.timestamp() - planned_end)),
    }
