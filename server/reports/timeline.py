"""The timeline: every event the audience may see, in order, read from the log as the
report is rendered; each line's details are the features' `event_summaries`
(`summarise`). Report machinery: the consultations feature places it in the report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from server.core.events import ATTENDEE
from server.i18n import gettext as _

from .model import Audience, Cell, ReportContext, Section, Table, report_events, summarise


def event_label(event_type: str) -> str:
    """ "item_started" → "Item started"."""
    return event_type.replace("_", " ").capitalize()


def timeline(ctx: ReportContext) -> Section | None:
    """Every event the audience may see, in order, read from the log as it is rendered;
    the public page has none (its lines name staff and speakers)."""
    if ctx.audience == Audience.PUBLIC:
        return None
    columns = (
        _("#"),
        _("Time (%(zone)s)", zone=ctx.in_zone(ctx.now).tzname()),
        _("UTC"),
        _("Event"),
        _("By"),
        _("Details"),
    )
    return Section("timeline", _("Timeline"), (Table(columns, _timeline_rows(ctx)),))


def _timeline_rows(ctx: ReportContext) -> Iterator[tuple[Cell, ...]]:
    day = ctx.in_zone(ctx.consultation.scheduled_start).date()
    for event in report_events(ctx):
        there, utc = ctx.in_zone(event.at), event.at.astimezone(UTC)
        # Only a consultation that runs past midnight needs dates in its timeline.
        pattern = "%H:%M:%S" if there.date() == day else "%Y-%m-%d %H:%M:%S"
        yield (
            event.seq,
            there.strftime(pattern),
            utc.strftime(pattern),
            event_label(event.type),
            event.actor_name or (_("an attendee") if event.actor_role == ATTENDEE else ""),
            summarise(ctx, event),
        )


def timeline_csv(ctx: ReportContext) -> Table:
    columns = ("seq", "at", "at_local", "type", "visibility", "actor_role", "actor", "details")
    rows = (
        (
            e.seq,
            e.at.isoformat(),
            ctx.in_zone(e.at).isoformat(),
            e.type,
            e.visibility,
            e.actor_role,
            e.actor_name,
            summarise(ctx, e),
        )
        for e in report_events(ctx)
    )
    return Table(columns, rows)
