"""The report as plain data: sections of blocks, built by the installed providers
(the application's `core.wiring`, carried by every `ReportContext`).

Markdown, DOCX and CSV render the same `Report`; the JSON archive is separate
(json_archive.py). Providers read the database inside one consistent read and
return data; they never format for a particular kind of file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.chatham import applies_to, nameless
from server.core.events import ATTENDEE, PUBLIC, RAPPORTEUR, STAFF_ROLES, Payload
from server.core.models import AgendaItem, Consultation, Event, Participant
from server.core.wiring import Wiring
from server.features.agenda import rules as agenda_rules
from server.i18n import gettext as _

from .bidi import isolate
from .containment import contained, contained_rows, unreadable


class Audience(StrEnum):
    """Who a report is for: whoever staff share it with, or the moderators' full record."""

    SHAREABLE = "shareable"
    FULL = "full"
    # The shareable report as its public page shows it (server/web/public_pages.py): no
    # name at all (no staff, speaker or question author) and no timeline.
    PUBLIC = "public"

    @property
    def shareable(self) -> bool:
        """Whether this audience reads the shareable report (the public page's included)."""
        return self != Audience.FULL


# ---------------------------------------------------------------- blocks

Cell = str | int | float | None


@dataclass(frozen=True)
class Facts:
    """Label and value pairs ("Planned duration", "1 h 30 min")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table; `rows` may be a generator that reads the database as it is rendered."""

    columns: tuple[str, ...]
    rows: Iterable[Sequence[Cell]]

    def read(self) -> Iterator[Sequence[Cell]]:
        """The rows as far as they can be read; a row that fails ends them with a mark."""
        width = len(self.columns)
        mark = (unreadable(), *([""] * (width - 1)))
        return contained_rows(self.rows, lambda: mark, f"the table {self.columns}")


@dataclass(frozen=True)
class Text:
    """Text as people wrote it (a note): its lines and blank-line paragraphs are kept."""

    text: str


@dataclass(frozen=True)
class Section:
    """A titled part of the report; `data` is plain data for a format's own renderer."""

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


Block = Facts | Table | Text | Section


@dataclass(frozen=True)
class Report:
    title: str
    audience: Audience
    sections: tuple[Section, ...]
    chatham: bool = False  # under the Chatham House rule (core/chatham.py)

    @property
    def heading(self) -> str:
        """The first line of every format: which of the two reports this is, then the title."""
        return heading(self.title, self.audience, chatham=self.chatham)


def heading(title: str, audience: Audience, *, chatham: bool) -> str:
    """Which of the reports this is, then the title; under the Chatham House rule the
    full record says first that it is for staff only."""
    if audience == Audience.FULL and chatham:
        return _(
            "Staff only — under the Chatham House rule. Full record (moderators only): %(title)s",
            title=isolate(title),
        )
    if audience == Audience.FULL:
        return _("Full record (moderators only): %(title)s", title=isolate(title))
    if audience == Audience.PUBLIC:
        return _("Report: %(title)s", title=isolate(title))
    if chatham:
        return _(
            "Shareable report, under the Chatham House rule (no names): %(title)s",
            title=isolate(title),
        )
    return _("Shareable report: %(title)s", title=isolate(title))


# ---------------------------------------------------------------- context


@dataclass(frozen=True)
class ReportItem:
    """An agenda item as the report shows it, its timings as of the report's moment."""

    id: int
    number: int  # 1-based place on the agenda
    title: str
    description: str
    state: str
    planned_seconds: int
    extra_seconds: int
    started_at: datetime | None
    ended_at: datetime | None
    elapsed: int
    overrun: int  # seconds past the planned time plus extensions


@dataclass(frozen=True)
class ReportContext:
    """What every provider receives: one consistent read of one consultation, and the
    application's installed features (`wiring`: the sections, summaries, redactions…)."""

    tx: Session
    consultation: Consultation
    audience: Audience
    now: datetime
    wiring: Wiring
    items: tuple[ReportItem, ...] = ()

    @property
    def chatham(self) -> bool:
        """Under the Chatham House rule: the shareable audience reads no participant's name."""
        return applies_to(self.consultation)

    @property
    def names_shown(self) -> bool:
        """Whether this report may name participants (as each feature's rules allow)."""
        return self.audience == Audience.FULL or not self.chatham

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.consultation.time_zone)

    def in_zone(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local(self, moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        """`moment` in the consultation's time zone, with its abbreviation (WAT)."""
        if moment is None:
            return "–"
        there = self.in_zone(moment)
        return f"{there.strftime(pattern)} {there.tzname()}"

    def utc(self, moment: datetime | None, pattern: str = "%H:%M") -> str:
        return "–" if moment is None else f"{moment.astimezone(UTC).strftime(pattern)} UTC"

    def both(self, moment: datetime | None, pattern: str = "%H:%M") -> str:
        """ "09:30 WAT (08:30 UTC)"."""
        if moment is None:
            return "–"
        return f"{self.local(moment, pattern)} ({self.utc(moment, pattern)})"


def duration(seconds: int | float) -> str:
    """Whole seconds as people read them: "1 h 05 min", "17 min 30 s", "45 s"."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


# ---------------------------------------------------------------- providers

SectionProvider = Callable[[ReportContext], Section | None]
ItemSectionProvider = Callable[[ReportContext, ReportItem], Section | None]
TableProvider = Callable[[ReportContext], Table | None]


# ---------------------------------------------------------------- building


def open_report(
    tx: Session, consultation: Consultation, audience: Audience, now: datetime, wiring: Wiring
) -> ReportContext:
    """The context every provider reads from, with the agenda's timings as of `now`."""
    items = tuple(_report_item(item, now) for item in consultation.items)
    return ReportContext(tx, consultation, audience, now, wiring, items)


def build(ctx: ReportContext) -> Report:
    """Ask every installed provider for its section; providers with nothing to say skip."""
    sections = tuple(
        section
        for part in ctx.wiring.report_sections
        if (section := _provided(part.key, partial(part.provide, ctx))) is not None
    )
    return Report(ctx.consultation.title, ctx.audience, sections, ctx.chatham)


def item_sections(ctx: ReportContext, item: ReportItem) -> tuple[Section, ...]:
    return tuple(
        section
        for part in ctx.wiring.item_sections
        if (section := _provided(part.key, partial(part.provide, ctx, item))) is not None
    )


def _provided(key: str, provide: Callable[[], Section | None]) -> Section | None:
    """A provider's section; one that fails is a section saying so (and a log line)."""

    def mark() -> Section:
        return Section(key, _("A part of the report that could not be made"), (Text(unreadable()),))

    return contained(provide, mark, f"the section {key}")


def csv_tables(ctx: ReportContext) -> Iterator[tuple[str, Table]]:
    for part in ctx.wiring.csv_tables:
        table = contained(
            partial(part.provide, ctx),
            lambda: Table(("error",), [(unreadable(),)]),
            f"the file {part.key}",
        )
        if table is not None:
            yield part.key, table


def _report_item(item: AgendaItem, now: datetime) -> ReportItem:
    timing = agenda_rules.item_timing(item, now)
    return ReportItem(
        id=item.id,
        number=item.position + 1,
        title=item.title,
        description=item.description,
        state=item.state,
        planned_seconds=item.planned_minutes * 60,
        extra_seconds=item.extra_seconds,
        started_at=item.first_started_at,
        ended_at=item.last_ended_at if item.state == agenda_rules.DONE else None,
        elapsed=timing.elapsed,
        overrun=timing.overrun,
    )


# ---------------------------------------------------------------- the log as reports show it


@dataclass(frozen=True)
class ReportEvent:
    """A logged event as a report may show it: never an attendee's identity as its actor."""

    seq: int
    type: str
    visibility: str
    at: datetime
    payload: Payload
    actor_id: int | None
    actor_role: str
    actor_name: str
    readable: bool = True  # False: no view could read it; it shows the unreadable mark


EventView = Callable[[ReportEvent, Audience], ReportEvent | None]
Redaction = Callable[[Payload], Payload]
Summary = Callable[[ReportContext, Payload], str]

# Installed in `Wiring` (core/wiring.py), by event type:
#   event_redactions  what every report and the archive strip from these event types'
#                     payloads, after the rapporteurs' projection (an attendee's name, say);
#   event_views       a further redaction for one audience's timeline: it receives the
#                     event already safe (see `safe_event`) and may strip more, or return
#                     None to leave it out of the shareable timeline; the full audience
#                     keeps every event;
#   event_summaries   the one line the timeline shows (default: its title);
#   shareable_staff_events  the staff events the shareable timeline shows.


def summarise(ctx: ReportContext, event: ReportEvent) -> str:
    if not event.readable:
        return unreadable()
    summary = ctx.wiring.event_summaries.get(event.type)
    if summary is not None:
        return contained(
            lambda: summary(ctx, event.payload), unreadable, f"event {event.seq} ({event.type})"
        )
    title = event.payload.get("title")
    return title if isinstance(title, str) else ""


def safe_event(event: ReportEvent, wiring: Wiring) -> ReportEvent:
    """An event as every report and the archive hold it: what rapporteurs may read, redacted,
    and never an attendee as its actor.

    The rapporteurs' projection is where a feature strips an anonymous author, so
    applying it here keeps that promise in every format.
    """
    payload = wiring.project(event.type, event.payload, RAPPORTEUR)
    redaction = wiring.event_redactions.get(event.type)
    if redaction is not None:
        payload = redaction(payload)
    if event.actor_role in STAFF_ROLES:
        return replace(event, payload=payload)
    return replace(event, payload=payload, actor_id=None, actor_name="")


def report_events(ctx: ReportContext, types: Sequence[str] | None = None) -> Iterator[ReportEvent]:
    """The consultation's events in order, as `ctx.audience` may see them, read in batches."""
    staff = _staff_names(ctx.tx, ctx.consultation.id) if ctx.names_shown else {}
    for event in logged_events(ctx.tx, ctx.consultation.id, types):
        name = staff.get(event.actor_id, "") if event.actor_id is not None else ""
        named = replace(event, actor_name=name)
        if not ctx.names_shown:
            named = replace(named, payload=nameless(named.payload))
        shown = contained(
            partial(view_event, named, ctx.audience, ctx.wiring),
            partial(_unreadable_event, named, ctx.audience),
            f"event {event.seq} ({event.type})",
        )
        if shown is not None:
            yield shown


def _unreadable_event(event: ReportEvent, audience: Audience) -> ReportEvent | None:
    """An event no view could read: its number, time and type, nothing of what it held."""
    if audience.shareable and event.visibility != PUBLIC:
        return None
    return replace(event, payload={}, actor_id=None, actor_name="", readable=False)


def view_event(event: ReportEvent, audience: Audience, wiring: Wiring) -> ReportEvent | None:
    if (
        audience.shareable
        and event.visibility != PUBLIC
        and event.type not in wiring.shareable_staff_events
    ):
        return None
    shown = safe_event(event, wiring)
    view: EventView | None = wiring.event_views.get(event.type)
    if view is None:
        return shown
    viewed = view(shown, audience)
    if viewed is None and audience == Audience.FULL:
        raise ValueError(f"the full audience keeps every event ({event.type})")
    return viewed


BATCH = 500


def logged_events(
    tx: Session, consultation_id: int, types: Sequence[str] | None = None
) -> Iterator[ReportEvent]:
    """Events as logged, oldest first, fetched `BATCH` rows at a time (never all at once)."""
    query = (
        select(
            Event.seq,
            Event.type,
            Event.visibility,
            Event.created_at,
            Event.payload,
            Event.actor_id,
            Event.actor_role,
        )
        .where(Event.consultation_id == consultation_id)
        .order_by(Event.seq)
        .execution_options(yield_per=BATCH)
    )
    if types is not None:
        query = query.where(Event.type.in_(types))
    for row in tx.execute(query):
        yield ReportEvent(
            seq=row.seq,
            type=row.type,
            visibility=row.visibility,
            at=row.created_at,
            payload=row.payload,
            actor_id=row.actor_id,
            actor_role=row.actor_role,
            actor_name="",
        )


def _staff_names(tx: Session, consultation_id: int) -> dict[int | None, str]:
    rows = tx.execute(
        select(Participant.id, Participant.display_name).where(
            Participant.consultation_id == consultation_id, Participant.role != ATTENDEE
        )
    )
    return {row.id: row.display_name or _("(unnamed)") for row in rows}
