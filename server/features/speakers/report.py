"""The floor in the report: per agenda item, who spoke and for how long; the totals.

Every finished turn is listed under its agenda item — the speaker's display
name, stakeholder group and country, the topic they gave the chair, when they
spoke, for how long and how far over their time. The consultation's speaking
time is totalled by stakeholder group and by country: who held the floor, and
for how long. A turn still running when the report is made appears once it
ends; a cancelled one (the chair put the speaker back in the queue) is not a turn.

A speaker took the floor under their display name in front of everyone, so
reports and the archive name speakers (and the archive keeps the name each
asked for the floor under); nothing here touches who asked a question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from server.core.events import Payload
from server.core.models import Participant
from server.features.consultations.report import group_label, iso_local
from server.i18n import gettext as _
from server.reports.bidi import isolate
from server.reports.json_archive import (
    ExportContext,
    Remap,
    RestoreContext,
    iso,
    numbered,
    numbered_records,
    records,
    remap_fields,
)
from server.reports.model import (
    Audience,
    Cell,
    Facts,
    ReportContext,
    ReportItem,
    Section,
    Table,
    duration,
)
from server.reports.small_groups import CSV_MARKS, Marks, protect, report_marks

from . import rules
from .models import ClosedSpeakerList, SpeakerHand
from .service import speakers_by_item, speaking_totals


def _turns(ctx: ReportContext) -> dict[int, list[dict[str, Any]]]:
    """Finished turns by agenda item id, in the order they were taken."""
    record = speakers_by_item(ctx.tx, ctx.consultation.id, ctx.now)
    return {entry["item_id"]: entry["speakers"] for entry in record}


def speaker_name(turn: Payload, ctx: ReportContext | None = None) -> str:
    """The speaker's name; under the Chatham House rule, in the shareable report, a neutral
    label (their stakeholder group and country stay: see `item_speakers`)."""
    if ctx is not None and not ctx.names_shown:
        return _("A participant")
    return str(turn.get("display_name") or _("(no name given)"))


def _at(ctx: ReportContext, moment: str | None) -> str:
    return ctx.local(datetime.fromisoformat(moment) if moment else None, "%H:%M:%S")


def _over(seconds: int) -> str:
    return f"⚠ {duration(seconds)}" if seconds else "–"


def item_speakers(ctx: ReportContext, item: ReportItem) -> Section | None:
    turns = _turns(ctx).get(item.id, [])
    if not turns:
        return None
    facts = Facts(
        (
            (_("Turns"), str(len(turns))),
            (_("Speaking time"), duration(sum(turn["duration"] for turn in turns))),
        )
    )
    named = ctx.audience != Audience.PUBLIC  # the public page names nobody
    columns = (
        _("#"),
        *((_("Speaker"),) if named else ()),
        _("Stakeholder group"),
        _("Country"),
        _("Topic"),
        _("From"),
        _("To"),
        _("Duration"),
        _("Over time"),
    )
    rows = [
        (
            number,
            *((speaker_name(turn, ctx),) if named else ()),
            group_label(turn["stakeholder_group"]),
            turn["country"] or "–",
            turn["topic"],
            _at(ctx, turn["started_at"]),
            _at(ctx, turn["ended_at"]),
            duration(turn["duration"]),
            _over(turn["overrun"]),
        )
        for number, turn in enumerate(turns, start=1)
    ]
    return Section("speakers", _("Speakers"), (facts, Table(columns, rows)))


def _share(seconds: int, total: int) -> str:
    return f"{100 * seconds / total:.1f}%" if total else "–"


def _speakers_by(ctx: ReportContext, field: str) -> dict[str, set[Any]]:
    """The people who spoke, by stakeholder group or by country."""
    people: dict[str, set[Any]] = {}
    for turns in _turns(ctx).values():
        for turn in turns:
            people.setdefault(turn[field], set()).add(turn["participant_id"])
    return people


def _totals_rows(
    ctx: ReportContext,
    totals: dict[str, Any],
    field: str,
    label: Callable[[str], Cell],
    figures: Callable[[int, int], tuple[Cell, ...]],
    marks: Marks,
) -> list[tuple[Cell, ...]]:
    """Turns and time by group or country; a shareable report hides groups of fewer than
    5 speakers (each turn still names its speaker's group: speakers are on the record)."""
    dimension = {"stakeholder_group": "by_group", "country": "by_country"}[field]
    people = _speakers_by(ctx, field)
    protected = protect(
        totals[dimension], lambda row: len(people.get(row[field], ())), ctx.audience
    )
    return protected.rows(
        lambda row: label(row[field]),
        lambda row: figures(row["turns"], row["seconds"]),
        lambda rows: figures(sum(r["turns"] for r in rows), sum(r["seconds"] for r in rows)),
        marks,
    )


def speaking_time(ctx: ReportContext) -> Section | None:
    """Who held the floor, and for how long: by stakeholder group and by country."""
    totals = speaking_totals(ctx.tx, ctx.consultation.id, ctx.now)
    if not totals["turns"]:
        return None
    whole = totals["seconds"]
    facts = Facts(((_("Turns"), str(totals["turns"])), (_("Speaking time"), duration(whole))))

    def figures(turns: int, seconds: int) -> tuple[Cell, ...]:
        return (turns, duration(seconds), _share(seconds, whole))

    columns = (_("Turns"), _("Speaking time"), _("Share of the time"))
    marks = report_marks()
    groups = Table(
        (_("Stakeholder group"), *columns),
        _totals_rows(ctx, totals, "stakeholder_group", group_label, figures, marks),
    )
    countries = Table(
        (_("Country"), *columns),
        _totals_rows(ctx, totals, "country", lambda c: c or _("not given"), figures, marks),
    )
    return Section(
        "speaking_time",
        _("Speaking time"),
        (
            facts,
            Section("speaking_time_groups", _("By stakeholder group"), (groups,)),
            Section("speaking_time_countries", _("By country"), (countries,)),
        ),
        data=totals if ctx.audience == Audience.FULL else {},
    )


# ---------------------------------------------------------------- CSV


def speakers_csv(ctx: ReportContext) -> Table:
    columns = (
        "item_number",
        "item_title",
        "turn",
        "display_name",
        "stakeholder_group",
        "country",
        "topic",
        "started_at",
        "started_at_local",
        "ended_at",
        "ended_at_local",
        "seconds",
        "limit_seconds",
        "extra_seconds",
        "overrun_seconds",
    )
    return Table(columns, _turn_rows(ctx))


def _turn_rows(ctx: ReportContext) -> Iterator[tuple[Cell, ...]]:
    by_item = _turns(ctx)
    for item in ctx.items:
        for number, turn in enumerate(by_item.get(item.id, []), start=1):
            yield (
                item.number,
                item.title,
                number,
                turn["display_name"] if ctx.names_shown else "",
                turn["stakeholder_group"],
                turn["country"],
                turn["topic"],
                turn["started_at"],
                iso_local(ctx, turn["started_at"]),
                turn["ended_at"],
                iso_local(ctx, turn["ended_at"]),
                turn["duration"],
                turn["limit_seconds"],
                turn["extra_seconds"],
                turn["overrun"],
            )


def speaking_time_csv(ctx: ReportContext) -> Table:
    totals = speaking_totals(ctx.tx, ctx.consultation.id, ctx.now)
    rows: list[tuple[Cell, ...]] = [("all", "", totals["turns"], totals["seconds"])]
    for field in ("stakeholder_group", "country"):
        rows += [
            (field, *row)
            for row in _totals_rows(
                ctx, totals, field, lambda key: key, lambda t, s: (t, s), CSV_MARKS
            )
        ]
    return Table(("breakdown", "value", "turns", "seconds"), rows)


# ---------------------------------------------------------------- the timeline


def _who(ctx: ReportContext, payload: Payload) -> str:
    """ "Amina (Civil society, NG)"."""
    where = (group_label(str(payload.get("stakeholder_group", ""))), payload.get("country") or "")
    name = speaker_name(payload, ctx)
    return f"{isolate(name)} ({', '.join(part for part in where if part)})"


def hand_summary(ctx: ReportContext, payload: Payload) -> str:
    topic = payload.get("topic")
    return f"{_who(ctx, payload)}: {isolate(str(topic))}" if topic else _who(ctx, payload)


def floor_summary(ctx: ReportContext, payload: Payload) -> str:
    return _who(ctx, payload)


def extended_summary(ctx: ReportContext, payload: Payload) -> str:
    return f"{_who(ctx, payload)}, +{duration(payload.get('seconds', 0))}"


def overran_summary(ctx: ReportContext, payload: Payload) -> str:
    allotted = payload.get("limit_seconds", 0) + payload.get("extra_seconds", 0)
    return _("%(who)s, past %(time)s", who=_who(ctx, payload), time=duration(allotted))


def ended_summary(ctx: ReportContext, payload: Payload) -> str:
    return f"{_who(ctx, payload)}, {duration(payload.get('duration', 0))}"


def _item_line(ctx: ReportContext, item_id: Any) -> str:
    for item in ctx.items:
        if item.id == item_id:
            return f"{item.number}. {isolate(item.title)}"
    return ""


def list_summary(ctx: ReportContext, payload: Payload) -> str:
    return _item_line(ctx, payload.get("item_id"))


def ordering_summary(ctx: ReportContext, payload: Payload) -> str:
    return {
        rules.REQUESTED: _("as requested"),
        rules.FIRST_TIME: _("first-time speakers first"),
        rules.BALANCED: _("balanced by stakeholder group"),
    }.get(payload.get("ordering", ""), str(payload.get("ordering", "")))


def limit_summary(ctx: ReportContext, payload: Payload) -> str:
    seconds = payload.get("seconds")
    limit = duration(seconds) if isinstance(seconds, int) else _("the consultation's")
    item = _item_line(ctx, payload.get("item_id"))
    return f"{item}: {limit}" if item else limit


# ---------------------------------------------------------------- the archive


def export_hands(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    hands = numbered(ctx, "speaker_hand", SpeakerHand)
    people = {
        person.id: person
        for person in ctx.tx.scalars(
            select(Participant).where(Participant.consultation_id == ctx.consultation.id)
        )
    }
    for hand in hands:
        yield {
            "id": ctx.ids.to_archive("speaker_hand", hand.id),
            "item": ctx.ids.to_archive("agenda_item", hand.item_id),
            "participant": ctx.ids.to_archive("participant", hand.participant_id),
            # The name they asked for the floor under (the participants table names staff only).
            "display_name": people[hand.participant_id].display_name,
            "topic": hand.topic,
            "state": hand.state,
            "requested_at": iso(hand.requested_at),
            "spoke_at": iso(hand.spoke_at),
            "ended_at": iso(hand.ended_at),
            "limit_seconds": hand.limit_seconds,
            "extra_seconds": hand.extra_seconds,
            "overrun_logged": hand.overrun_logged,
        }


STATES = (rules.WAITING, rules.SPEAKING, rules.DONE, rules.WITHDRAWN, rules.REMOVED)


def restore_hands(ctx: RestoreContext, rows: list[Any]) -> None:
    restored = []
    for number, record in numbered_records(rows, "speaker hand"):
        person = ctx.tx.get_one(
            Participant,
            ctx.ids.from_archive("participant", record.integer("participant", minimum=1)),
        )
        person.display_name = person.display_name or record.string("display_name", max_length=60)
        hand = SpeakerHand(
            consultation_id=ctx.consultation.id,
            participant_id=person.id,
            item_id=ctx.ids.from_archive("agenda_item", record.integer("item", minimum=1)),
            topic=record.string("topic", max_length=rules.MAX_TOPIC_LENGTH),
            state=record.choice("state", STATES),
            requested_at=record.moment("requested_at"),
            spoke_at=record.moment("spoke_at", null=True),
            ended_at=record.moment("ended_at", null=True),
            limit_seconds=record.integer("limit_seconds"),
            extra_seconds=record.integer("extra_seconds"),
            overrun_logged=record.boolean("overrun_logged"),
        )
        ctx.tx.add(hand)
        restored.append((number, hand))
    ctx.tx.flush()
    for number, hand in restored:
        ctx.ids.bind("speaker_hand", number, hand.id)


def export_closed(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    closed = ctx.tx.scalars(
        select(ClosedSpeakerList)
        .where(ClosedSpeakerList.consultation_id == ctx.consultation.id)
        .order_by(ClosedSpeakerList.closed_at, ClosedSpeakerList.item_id)
    )
    for entry in closed:
        yield {
            "item": ctx.ids.to_archive("agenda_item", entry.item_id),
            "closed_at": iso(entry.closed_at),
        }


def restore_closed(ctx: RestoreContext, rows: list[Any]) -> None:
    for record in records(rows, "closed list of speakers"):
        ctx.tx.add(
            ClosedSpeakerList(
                item_id=ctx.ids.from_archive("agenda_item", record.integer("item", minimum=1)),
                consultation_id=ctx.consultation.id,
                closed_at=record.moment("closed_at"),
            )
        )
    ctx.tx.flush()


SPEAKER_FIELDS = {
    "id": "speaker_hand",
    "hand_id": "speaker_hand",
    "item_id": "agenda_item",
    "participant_id": "participant",
}


def speaker_payload(payload: Payload, remap: Remap) -> Payload:
    return remap_fields(payload, remap, SPEAKER_FIELDS)


def speaker_settings(settings: Payload, remap: Remap) -> Payload:
    limits = settings.get("item_time_limits")
    if not isinstance(limits, dict):
        return settings
    remapped = {}
    for key, seconds in limits.items():
        item_id = remap("agenda_item", int(key)) if str(key).isdigit() else None
        if item_id is not None:
            remapped[str(item_id)] = seconds
    return {**settings, "item_time_limits": remapped}
