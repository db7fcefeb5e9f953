"""The consultation's own parts of the report: the header, its agenda (an overview, then
a section per item holding every feature's item sections), the rapporteur's notes, and
how the timeline sums up the consultation's own events (people, links, the agenda,
notes, erasure). Declared in this feature's `feature.py`.

The notes are read here, not in the notes feature: the archive's foundation tables
(server/reports/json_archive.py) read the notes' rows, so the notes feature cannot
import the report machinery without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, Payload
from server.core.lifecycle import ENDED
from server.core.models import Participant
from server.features.notes.service import notes_of
from server.i18n import gettext as _
from server.i18n import pgettext
from server.reports.bidi import isolate
from server.reports.model import (
    Audience,
    Cell,
    Facts,
    ReportContext,
    ReportItem,
    Section,
    Table,
    Text,
    duration,
    item_sections,
)

from .labels import GROUP_LABELS

# ---------------------------------------------------------------- header


def header(ctx: ReportContext) -> Section:
    """Title, region, when (in the consultation's zone and UTC), how long, who moderated."""
    c = ctx.consultation
    planned_end = c.scheduled_start.timestamp() + c.planned_minutes * 60
    scheduled_end = datetime.fromtimestamp(planned_end, c.scheduled_start.tzinfo)
    facts = [
        (_("Region"), c.region or "–"),
        (_("Date"), f"{ctx.in_zone(c.scheduled_start):%Y-%m-%d}"),
        (_("Time zone"), c.time_zone),
        (_("Scheduled"), _span(ctx, c.scheduled_start, scheduled_end)),
        (_("Held"), _held(ctx)),
        (_("Planned duration"), duration(c.planned_minutes * 60)),
        (_("Actual duration"), _actual_duration(ctx)),
    ]
    if ctx.audience != Audience.PUBLIC:
        facts += [
            (_("Moderators"), _staff_line(ctx, MODERATOR)),
            (_("Rapporteurs"), _staff_line(ctx, RAPPORTEUR)),
        ]
    facts.append((_("This report"), _audience_line(ctx)))
    return Section("header", _("About the consultation"), (Facts(tuple(facts)),))


def consultation_csv(ctx: ReportContext) -> Table:
    """The header and the general notes, one `field, value` row each: the same record
    as the other formats' first parts (times in ISO 8601, UTC and the consultation's zone)."""
    c = ctx.consultation
    scheduled_end = c.scheduled_start + timedelta(minutes=c.planned_minutes)
    actual = (c.ended_at or ctx.now) - c.started_at if c.started_at else None
    rows: list[tuple[str, Cell]] = [
        ("audience", str(ctx.audience)),  # first: which of the two records this is
        ("chatham_house", "yes" if ctx.chatham else "no"),
        ("title", c.title),
        ("short_name", c.short_name),
        ("region", c.region),
        ("description", c.description),
        ("time_zone", c.time_zone),
        ("state", c.state),
        *_moments(ctx, "scheduled_start", c.scheduled_start),
        *_moments(ctx, "scheduled_end", scheduled_end),
        *_moments(ctx, "started_at", c.started_at),
        *_moments(ctx, "ended_at", c.ended_at),
        ("planned_minutes", c.planned_minutes),
        ("actual_seconds", int(actual.total_seconds()) if actual else None),
        ("moderators", ", ".join(_staff_names(ctx, MODERATOR))),
        ("rapporteurs", ", ".join(_staff_names(ctx, RAPPORTEUR))),
        *_moments(ctx, "made_at", ctx.now),
        ("general_notes", _notes_by_item(ctx).get(None, "")),
    ]
    return Table(("field", "value"), rows)


def _moments(ctx: ReportContext, name: str, moment: datetime | None) -> list[tuple[str, Cell]]:
    return [(name, _iso(moment)), (f"{name}_local", iso_local(ctx, moment))]


def _span(ctx: ReportContext, start: datetime, end: datetime | None) -> str:
    """ "09:30–11:00 WAT (08:30–10:00 UTC)"."""
    if end is None:
        return _("from %(start)s", start=ctx.both(start))
    there, then = ctx.in_zone(start), ctx.in_zone(end)
    utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
    return f"{there:%H:%M}–{then:%H:%M} {then.tzname()} ({utc_start:%H:%M}–{utc_end:%H:%M} UTC)"


def _held(ctx: ReportContext) -> str:
    c = ctx.consultation
    if c.started_at is None:
        return _("not started")
    if c.state == ENDED:
        return _span(ctx, c.started_at, c.ended_at)
    return _(
        "from %(start)s, in progress at %(now)s",
        start=ctx.both(c.started_at),
        now=ctx.both(ctx.now),
    )


def _actual_duration(ctx: ReportContext) -> str:
    c = ctx.consultation
    if c.started_at is None:
        return "–"
    end = c.ended_at or ctx.now
    spent = duration((end - c.started_at).total_seconds())
    return spent if c.state == ENDED else _("%(time)s so far", time=spent)


def _staff_line(ctx: ReportContext, role: str) -> str:
    if not ctx.names_shown:
        return _("not named (Chatham House rule)")
    return ", ".join(map(isolate, _staff_names(ctx, role))) or "–"


def _staff_names(ctx: ReportContext, role: str) -> list[str]:
    """Distinct names in the order people joined (a link opened twice is one person);
    none where the report names nobody (the Chatham House rule)."""
    if not ctx.names_shown:
        return []
    names = ctx.tx.scalars(
        select(Participant.display_name)
        .where(Participant.consultation_id == ctx.consultation.id, Participant.role == role)
        .order_by(Participant.joined_at, Participant.id)
    )
    return list(dict.fromkeys(name for name in names if name))


def _audience_line(ctx: ReportContext) -> str:
    made = _("made %(at)s", at=ctx.both(ctx.now))
    if ctx.audience == Audience.PUBLIC:
        return _(
            "published: nobody is named; dismissed questions are counted, not listed; groups "
            "and countries of fewer than 5 people are not shown apart; %(made)s",
            made=made,
        )
    if ctx.audience == Audience.FULL and ctx.chatham:
        return _(
            "staff only, under the Chatham House rule: the full record names participants, "
            "who were named to nobody else; not to be shared; %(made)s",
            made=made,
        )
    if ctx.chatham:
        return _(
            "shareable, under the Chatham House rule: no participant is named (speakers by "
            "stakeholder group and country only); dismissed questions are counted, not "
            "listed; groups and countries of fewer than 5 people are not shown apart; %(made)s",
            made=made,
        )
    if ctx.audience == Audience.FULL:
        return _(
            "full record for moderators: dismissed questions listed, authors who asked "
            "under their name named, every group and country however small; %(made)s",
            made=made,
        )
    return _(
        "shareable: speakers are named (they spoke on the record); question authors only "
        "when the consultation takes no anonymous questions; dismissed questions are "
        "counted, not listed; groups and countries of fewer than 5 people are not shown "
        "apart; %(made)s",
        made=made,
    )


# ---------------------------------------------------------------- agenda


def _overrun(item: ReportItem) -> str:
    return f"⚠ {duration(item.overrun)}" if item.overrun else "–"


def _used(item: ReportItem) -> str:
    return duration(item.elapsed) if item.started_at else _("not reached")


def _planned(item: ReportItem) -> str:
    planned = duration(item.planned_seconds)
    if item.extra_seconds:
        return _("%(planned)s + %(extra)s", planned=planned, extra=duration(item.extra_seconds))
    return planned


def agenda_section(ctx: ReportContext) -> Section:
    """An overview table, then one section per item with its times and every feature's part."""
    overview = Table(
        (
            _("#"),
            _("Item"),
            _("Planned"),
            _("Started"),
            pgettext("report heading", "Ended"),
            _("Time used"),
            _("Overrun"),
        ),
        [
            (
                item.number,
                item.title,
                _planned(item),
                ctx.local(item.started_at, "%H:%M"),
                ctx.local(item.ended_at, "%H:%M"),
                _used(item),
                _overrun(item),
            )
            for item in ctx.items
        ],
    )
    return Section(
        "agenda",
        _("Agenda"),
        (overview, *(_item_section(ctx, item) for item in ctx.items)),
    )


def _item_section(ctx: ReportContext, item: ReportItem) -> Section:
    facts = [
        (_("Planned"), _planned(item)),
        (_("Started"), ctx.both(item.started_at)),
        (
            pgettext("report heading", "Ended"),
            ctx.both(item.ended_at) if item.ended_at else _ongoing(item),
        ),
        (_("Time used"), _used(item)),
    ]
    if item.overrun:
        facts.append((_("Overrun"), _("⚠ %(time)s over its time", time=duration(item.overrun))))
    return Section(
        "item",
        f"{item.number}. {isolate(item.title)}",
        (Facts(tuple(facts)), *item_sections(ctx, item)),
        data={"item_id": item.id},
    )


def _ongoing(item: ReportItem) -> str:
    return _("still running") if item.state == "active" else "–"


def agenda_csv(ctx: ReportContext) -> Table:
    notes = _notes_by_item(ctx)
    return Table(
        (
            "number",
            "title",
            "state",
            "planned_minutes",
            "extension_minutes",
            "started_at",
            "started_at_local",
            "ended_at",
            "ended_at_local",
            "seconds_used",
            "overrun_seconds",
            "notes",
        ),
        [
            (
                item.number,
                item.title,
                item.state,
                item.planned_seconds // 60,
                item.extra_seconds // 60,
                _iso(item.started_at),
                iso_local(ctx, item.started_at),
                _iso(item.ended_at),
                iso_local(ctx, item.ended_at),
                item.elapsed if item.started_at else None,
                item.overrun,
                notes.get(item.id, ""),
            )
            for item in ctx.items
        ],
    )


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def iso_local(ctx: ReportContext, moment: datetime | str | None) -> str:
    """A moment (or its ISO text, as views carry it) in the consultation's zone, ISO 8601."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return ctx.in_zone(moment).isoformat() if moment else ""


def places(ctx: ReportContext) -> Iterator[tuple[Cell, str, int | None]]:
    """Each agenda item as (number, title, id), then the place of what no item holds."""
    for item in ctx.items:
        yield item.number, item.title, item.id
    yield "", "", None


# ---------------------------------------------------------------- notes


def _notes_by_item(ctx: ReportContext) -> dict[int | None, str]:
    return {note.item_id: note.text for note, _author in notes_of(ctx.tx, ctx.consultation.id)}


def general_notes(ctx: ReportContext) -> Section | None:
    text = _notes_by_item(ctx).get(None, "")
    if not text.strip():
        return None
    return Section("general_notes", _("Rapporteur's general notes"), (Text(text),))


def item_notes(ctx: ReportContext, item: ReportItem) -> Section | None:
    text = _notes_by_item(ctx).get(item.id, "")
    if not text.strip():
        return None
    return Section("notes", _("Rapporteur's notes"), (Text(text),), data={"item_id": item.id})


# ---------------------------------------------------------------- people and labels


def group_label(group: str) -> str:
    label = GROUP_LABELS.get(group)
    return str(label) if label is not None else group


# ---------------------------------------------------------------- the timeline's lines


def _item_title(ctx: ReportContext, item_id: Any) -> str:
    for item in ctx.items:
        if item.id == item_id:
            return f"{item.number}. {isolate(item.title)}"
    return _("general notes") if item_id is None else ""


def extended(ctx: ReportContext, payload: Payload) -> str:
    return f"{isolate(str(payload.get('title', '')))} (+{payload.get('minutes')} min)"


def reordered(ctx: ReportContext, payload: Payload) -> str:
    return ", ".join(_item_title(ctx, item_id) for item_id in payload.get("order", []))


PERSON_EVENTS = ("participant_joined", "participant_arrived", "participant_left")


def no_attendee_names(payload: Payload) -> Payload:
    """Reports name staff, never attendees: who spoke up anonymously stays unknowable."""
    if payload.get("role") == ATTENDEE:
        return {**payload, "display_name": ""}
    return payload


def person(ctx: ReportContext, payload: Payload) -> str:
    """Staff by name and role; an attendee only by group and country."""
    if payload.get("role") == ATTENDEE:
        group = group_label(str(payload.get("stakeholder_group", "")))
        who = ", ".join(part for part in (group, payload.get("country") or "") if part)
    else:
        name = isolate(str(payload.get("display_name") or _("(unnamed)")))
        who = f"{name} ({payload.get('role', '')})"
    present = payload.get("present")
    return who if present is None else _("%(who)s; %(n)s connected", who=who, n=present)


def chatham_switch(ctx: ReportContext, payload: Payload) -> str:
    """The Chatham House switch (features/consultations/chatham.py); the log says who."""
    if payload.get("on") is True:
        return _("names hidden from attendees and the shareable report")
    return _("names shown again")


def link(ctx: ReportContext, payload: Payload) -> str:
    return str(payload.get("role", ""))


def erased(ctx: ReportContext, payload: Payload) -> str:
    return _(
        "the names of %(n)s people, their retention period over",
        n=payload.get("participants", 0),
    )


def note(ctx: ReportContext, payload: Payload) -> str:
    text = payload.get("text", "")
    return _(
        "%(note)s, %(n)s characters", note=_item_title(ctx, payload.get("item_id")), n=len(text)
    )
