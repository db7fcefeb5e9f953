"""The polls in the report: per agenda item, each poll's final results and breakdowns.

Results are counted from the ballots as the report is made, the same count the
poll's `poll_closed` event logged (that event adds how many people were
connected when it closed, the turnout's denominator). Reports are for staff,
and rapporteurs may see every result, so polls whose results attendees never
saw are reported too (the poll says who saw them), with breakdowns by
stakeholder group and by country. A ranking names its method (Borda count); a
word cloud shows its top words; an open-text poll its answers — those shown to
everyone in the shareable report, all of them in the moderators' full record.
An answer a moderator excluded is counted nowhere and absent from the shareable
report; the full record lists it, marked. No ballot is ever tied to a person.
Draft polls (never opened) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select

from server.core.errors import N_, DomainError
from server.core.events import Payload
from server.features.consultations.report import group_label, places
from server.features.presence import replay as attendance
from server.i18n import gettext as _
from server.i18n import pgettext
from server.reports.bidi import isolate
from server.reports.containment import log
from server.reports.json_archive import (
    ExportContext,
    Remap,
    RestoreContext,
    damaged,
    iso,
    numbered,
    numbered_records,
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
    logged_events,
    safe_event,
)
from server.reports.small_groups import CSV_MARKS, Protected, protect, report_marks

from . import models as storage
from . import rules
from .counting import BallotRow, readable, tally
from .models import Ballot, Poll
from .service import definition_of

WORDS_SHOWN = 20  # a word cloud's top words in the report; the CSV has all it counted
BREAKDOWN_COLUMNS = 10  # rows of the results a breakdown table shows as columns


@dataclass(frozen=True)
class Reported:
    """One poll as the report shows it: its results now, and the turnout at its closing."""

    poll: Poll
    number: int
    results: dict[str, Any]
    ballots: Sequence[BallotRow]  # newest first
    present_at_close: int | None


def _reported(ctx: ReportContext, item_id: int | None) -> list[Reported]:
    polls = ctx.tx.scalars(
        select(Poll)
        .where(
            Poll.consultation_id == ctx.consultation.id,
            Poll.item_id.is_(None) if item_id is None else Poll.item_id == item_id,
            Poll.state != rules.DRAFT,
        )
        .order_by(Poll.position)
    ).all()
    if not polls:
        return []
    present = _present_at_close(ctx)
    reported = []
    for number, poll in enumerate(polls, start=1):
        ballots = [BallotRow(*row) for row in storage.ballot_rows(ctx.tx, poll.id)]
        at_close = present.get(poll.id) if poll.state == rules.CLOSED else None
        results = tally(definition_of(poll), ballots)
        if results["unreadable"]:
            log.error(
                "report: poll %s (%s) holds %s ballots no rule accepts; they are left out",
                poll.id,
                poll.type,
                results["unreadable"],
            )
        reported.append(Reported(poll, number, results, ballots, at_close))
    return reported


def _present_at_close(ctx: ReportContext) -> dict[Any, int]:
    """Attendees connected when each poll last closed, replayed from arrivals and departures.

    Replayed rather than read from `poll_closed`: logs written before turnout left
    staff out counted moderators and rapporteurs among the people present.
    """
    present: dict[Any, int] = {}
    peaks = attendance.Peaks()
    types = (attendance.ARRIVED, attendance.LEFT, "poll_closed")
    for event in logged_events(ctx.tx, ctx.consultation.id, types):
        if event.type == "poll_closed":
            poll = safe_event(event, ctx.wiring).payload.get("poll") or {}
            present[poll.get("id")] = len(peaks.present)
        else:
            peaks.apply(event.type, event.payload, event.at)
    return present


# ---------------------------------------------------------------- sections


def _kind(poll: Poll) -> str:
    if poll.type == rules.MULTIPLE:
        return _("Multiple choice, up to %(n)s", n=poll.max_choices)
    if poll.type == rules.RATING:
        low = f"{poll.scale_min} ({poll.low_label})" if poll.low_label else str(poll.scale_min)
        high = f"{poll.scale_max} ({poll.high_label})" if poll.high_label else str(poll.scale_max)
        return _("Rating from %(low)s to %(high)s", low=low, high=high)
    kinds = {
        rules.SINGLE: _("Single choice"),
        rules.WORD_CLOUD: _("Word cloud, up to %(n)s words each", n=rules.WORDS_PER_PERSON),
        rules.OPEN_TEXT: _("Open text"),
        rules.RANKING: _("Ranking"),
    }
    return kinds.get(poll.type, poll.type)


def _seen_by(poll: Poll) -> str:
    return {
        rules.LIVE_RESULTS: _("everyone, as votes came in"),
        rules.AFTER_CLOSE: _("everyone, once closed"),
        rules.MODERATORS_ONLY: _("moderators and rapporteurs only"),
    }.get(poll.visibility, poll.visibility)


def _facts(ctx: ReportContext, shown: Reported) -> Facts:
    poll, results = shown.poll, shown.results
    facts = [(_("Kind"), _kind(poll))]
    if poll.type == rules.RANKING:
        facts.append(
            (
                _("Method"),
                _(
                    "Borda count: of %(n)s options, a first place earns %(top)s points, "
                    "a last place 0; the most points ranks first",
                    n=len(poll.options),
                    top=len(poll.options) - 1,
                ),
            )
        )
    if poll.state == rules.CLOSED:
        opened = _(
            "%(start)s to %(end)s", start=ctx.both(poll.opened_at), end=ctx.both(poll.closed_at)
        )
    else:
        opened = _("from %(start)s, still open", start=ctx.both(poll.opened_at))
    facts.append((pgettext("report heading", "Open"), opened))
    voters = results["voters"]
    if shown.present_at_close:
        turnout = round(100 * voters / shown.present_at_close)
        facts.append(
            (
                _("Voters"),
                _(
                    "%(voters)s of %(present)s connected at closing (%(turnout)s%%)",
                    voters=voters,
                    present=shown.present_at_close,
                    turnout=turnout,
                ),
            )
        )
    else:
        facts.append((_("Voters"), str(voters)))
    if results["unreadable"]:
        facts.append(
            (
                _("Ballots left out"),
                _(
                    "%(n)s could not be read (the server's log names this poll)",
                    n=results["unreadable"],
                ),
            )
        )
    if results["excluded"]:
        facts.append(
            (_("Answers excluded by a moderator"), _("%(n)s, not counted", n=results["excluded"]))
        )
    if results.get("mean") is not None:
        facts.append((_("Average rating"), f"{results['mean']:g}"))
    facts.append((_("Results seen by"), _seen_by(poll)))
    return Facts(tuple(facts))


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = results["rows"]
    return rows[:WORDS_SHOWN] if results["type"] == rules.WORD_CLOUD else rows


def _results_table(shown: Reported) -> Table | None:
    kind, rows = shown.poll.type, _rows(shown.results)
    if kind == rules.OPEN_TEXT:
        return None
    if kind == rules.RANKING:
        columns: tuple[str, ...] = (_("Rank"), _("Option"), _("Borda points"), _("Share of points"))
        return Table(
            columns,
            [
                (_rank(rows, row), row["label"], row["value"], _percent(row["percent"]))
                for row in rows
            ],
        )
    first, counted = _("Option"), _("Votes")
    if kind == rules.RATING:
        first = _("Rating")
    elif kind == rules.WORD_CLOUD:
        first, counted = _("Word"), _("People")
    columns = (first, counted, _("Share of voters"))
    return Table(columns, [(row["label"], row["value"], _percent(row["percent"])) for row in rows])


def _rank(rows: list[dict[str, Any]], row: dict[str, Any]) -> int:
    """1 + how many options earned more points: tied options share a rank."""
    return 1 + sum(1 for other in rows if other["value"] > row["value"])


def _merged(shown: Reported, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Groups counted together, as one breakdown entry (the other-groups row)."""
    voters = sum(entry["voters"] for entry in entries)
    values = [sum(column) for column in zip(*(entry["values"] for entry in entries), strict=True)]
    merged: dict[str, Any] = {"key": CSV_MARKS.other, "voters": voters, "values": values}
    if shown.poll.type == rules.RATING:
        keys = [row["key"] for row in shown.results["rows"]]
        points = sum(key * count for key, count in zip(keys, values, strict=True))
        merged["mean"] = round(points / voters, 2) if voters else None
    return merged


def protected_breakdown(
    ctx: ReportContext, shown: Reported, dimension: str
) -> Protected[dict[str, Any]]:
    """A breakdown's groups; a shareable report hides those of fewer than 5 voters."""
    entries = shown.results["breakdown"][dimension]
    return protect(entries, lambda entry: int(entry["voters"]), ctx.audience)


def _breakdowns(ctx: ReportContext, shown: Reported) -> tuple[Section, ...]:
    labels = [row["label"] for row in shown.results["rows"][:BREAKDOWN_COLUMNS]]
    rating = shown.poll.type == rules.RATING
    sections = []

    def figures(entry: dict[str, Any]) -> tuple[Cell, ...]:
        mean = entry.get("mean")
        return (
            entry["voters"],
            *entry["values"][:BREAKDOWN_COLUMNS],
            *((f"{mean:g}" if mean is not None else "–",) if rating else ()),
        )

    for dimension, key, title, first in (
        ("stakeholder_group", "poll_groups", _("By stakeholder group"), _("Stakeholder group")),
        ("country", "poll_countries", _("By country"), _("Country")),
    ):
        columns = (first, _("Voters"), *labels, *((_("Average"),) if rating else ()))
        rows = protected_breakdown(ctx, shown, dimension).rows(
            partial(_entry_name, dimension),
            figures,
            lambda entries: figures(_merged(shown, entries)),
            report_marks(),
        )
        sections.append(Section(key, title, (Table(columns, rows),)))
    return tuple(sections)


def _entry_name(dimension: str, entry: dict[str, Any]) -> str:
    return _group_name(dimension, entry["key"])


def _group_name(dimension: str, key: str) -> str:
    if dimension == "stakeholder_group":
        return group_label(key)
    return key or _("not given")


def answer_text(answer: Any) -> str:
    """An open-text answer, or a word-cloud answer's words."""
    return " · ".join(map(str, answer)) if isinstance(answer, list) else str(answer)


def _answers(ctx: ReportContext, shown: Reported) -> Section | None:
    """Open text: the answers shown (all of them, marked, in the full record). Word cloud:
    in the full record, the answers a moderator excluded; the shareable report has none."""
    oldest_first = [b for b in reversed(shown.ballots) if _readable(shown, b)]
    full = ctx.audience == Audience.FULL
    if shown.poll.type == rules.WORD_CLOUD:
        excluded = [(answer_text(b.answer),) for b in oldest_first if b.excluded]
        if not full or not excluded:
            return None
        table = Table((_("Answer"),), excluded)
        return Section("poll_answers", _("Answers excluded by a moderator"), (table,))
    if shown.poll.type != rules.OPEN_TEXT:
        return None
    if full:
        return Section("poll_answers", _("All answers (moderators only)"), (_all(oldest_first),))
    public = [(b.answer,) for b in oldest_first if b.shown and not b.excluded]
    return Section("poll_answers", _("Answers shown to everyone"), (Table((_("Answer"),), public),))


def _all(answers: list[BallotRow]) -> Table:
    """Every open-text answer, whether shown, and whether excluded (a column only if any is)."""
    columns: tuple[str, ...] = (_("Answer"), _("Shown to everyone"))
    rows: list[tuple[Cell, ...]] = [(b.answer, _("yes") if b.shown else "") for b in answers]
    if any(b.excluded for b in answers):
        columns += (_("Excluded by a moderator"),)
        rows = [
            (*row, _("excluded") if b.excluded else "")
            for row, b in zip(rows, answers, strict=True)
        ]
    return Table(columns, rows)


def _readable(shown: Reported, ballot: BallotRow) -> bool:
    return readable(definition_of(shown.poll), ballot.answer)


def poll_section(ctx: ReportContext, shown: Reported) -> Section:
    blocks: list[Any] = [_facts(ctx, shown)]
    table = _results_table(shown)
    if table is not None:
        blocks.append(table)
    answers = _answers(ctx, shown)
    if answers is not None:
        blocks.append(answers)
    blocks.extend(_breakdowns(ctx, shown))
    title = _("Poll %(n)s: %(question)s", n=shown.number, question=isolate(shown.poll.question))
    return Section("poll", title, tuple(blocks), data={"poll_id": shown.poll.id})


def _polls_section(ctx: ReportContext, title: str, item_id: int | None) -> Section | None:
    reported = _reported(ctx, item_id)
    if not reported:
        return None
    return Section("polls", title, tuple(poll_section(ctx, shown) for shown in reported))


def item_polls(ctx: ReportContext, item: ReportItem) -> Section | None:
    return _polls_section(ctx, _("Polls"), item.id)


def polls_outside_agenda(ctx: ReportContext) -> Section | None:
    return _polls_section(ctx, _("Polls outside the agenda items"), None)


# ---------------------------------------------------------------- CSV


def polls_csv(ctx: ReportContext) -> Table:
    columns = (
        "item_number",
        "item_title",
        "poll",
        "question",
        "type",
        "method",
        "state",
        "opened_at",
        "closed_at",
        "voters",
        "present_at_close",
        "breakdown",
        "group",
        "group_voters",
        "key",
        "label",
        "value",
        "percent",
        "mean",
    )
    return Table(columns, _poll_rows(ctx))


def _poll_rows(ctx: ReportContext) -> Iterator[tuple[Cell, ...]]:
    for item_number, item_title, item_id in places(ctx):
        for shown in _reported(ctx, item_id):
            poll, results = shown.poll, shown.results
            head = (
                item_number,
                item_title,
                shown.number,
                poll.question,
                poll.type,
                results["method"],
                poll.state,
                iso(poll.opened_at),
                iso(poll.closed_at),
                results["voters"],
                shown.present_at_close,
            )
            rows = results["rows"]
            mean = results.get("mean")
            if not rows:
                yield (*head, "all", "", results["voters"], "", "", "", "", mean)
            for row in rows:
                yield (
                    *head,
                    "all",
                    "",
                    results["voters"],
                    str(row["key"]),
                    row["label"],
                    row["value"],
                    row["percent"],
                    mean,
                )
            for dimension in results["breakdown"]:
                for entry, hidden in _csv_breakdown(ctx, shown, dimension):
                    group = (*head, dimension, entry["key"])
                    if hidden:
                        yield (*group, hidden, "", "", "", "", "")
                        continue
                    if not rows:
                        yield (*group, entry["voters"], "", "", "", "", "")
                    for row, value in zip(rows, entry["values"], strict=True):
                        yield (
                            *group,
                            entry["voters"],
                            str(row["key"]),
                            row["label"],
                            value,
                            "",
                            entry.get("mean"),
                        )


def _csv_breakdown(
    ctx: ReportContext, shown: Reported, dimension: str
) -> Iterator[tuple[dict[str, Any], str]]:
    """A breakdown's entries for the CSV, each with its mark if hidden ("<5")."""
    protected = protected_breakdown(ctx, shown, dimension)
    return iter(protected.entries(partial(_merged, shown), CSV_MARKS))


def poll_answers_csv(ctx: ReportContext) -> Table:
    columns = ("item_number", "item_title", "poll", "question", "answer", "shown", "excluded")
    return Table(columns, _answer_rows(ctx))


def _answer_rows(ctx: ReportContext) -> Iterator[tuple[Cell, ...]]:
    """Open-text answers as the report shows them; in the full record, excluded words too."""
    full = ctx.audience == Audience.FULL
    for item_number, item_title, item_id in places(ctx):
        for shown in _reported(ctx, item_id):
            if shown.poll.type not in rules.FREE_TEXT:
                continue
            for ballot in reversed(shown.ballots):
                if not _readable(shown, ballot):
                    continue
                if shown.poll.type == rules.WORD_CLOUD:
                    listed = full and ballot.excluded
                else:
                    listed = full or (ballot.shown and not ballot.excluded)
                if listed:
                    yield (
                        item_number,
                        item_title,
                        shown.number,
                        shown.poll.question,
                        answer_text(ballot.answer),
                        "yes" if ballot.shown else "no",
                        "yes" if ballot.excluded else "no",
                    )


# ---------------------------------------------------------------- the timeline


def _question_of(ctx: ReportContext, poll_id: Any) -> str:
    poll = ctx.tx.get(Poll, poll_id) if isinstance(poll_id, int) else None
    return isolate(poll.question) if poll else ""


def defined_summary(ctx: ReportContext, payload: Payload) -> str:
    return str(payload.get("question", ""))


def opened_summary(ctx: ReportContext, payload: Payload) -> str:
    question = isolate(str(payload.get("question", "")))
    return _("%(question)s (reopened)", question=question) if payload.get("reopened") else question


def closed_summary(ctx: ReportContext, payload: Payload) -> str:
    voters = (payload.get("results") or {}).get("voters", 0)
    question = isolate(str((payload.get("poll") or {}).get("question", "")))
    return _("%(question)s — %(n)s voters", question=question, n=voters)


def deleted_summary(ctx: ReportContext, payload: Payload) -> str:
    return _("a draft poll")


def ballot_summary(ctx: ReportContext, payload: Payload) -> str:
    question = _question_of(ctx, payload.get("poll_id"))
    return _("%(question)s (changed)", question=question) if payload.get("changed") else question


def answer_summary(ctx: ReportContext, payload: Payload) -> str:
    answer_id = payload.get("answer_id")
    ballot = ctx.tx.get(Ballot, answer_id) if isinstance(answer_id, int) else None
    question = _question_of(ctx, payload.get("poll_id"))
    return f"{question}: {isolate(answer_text(ballot.answer))}" if ballot else question


# ---------------------------------------------------------------- the archive


def export_polls(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for poll in numbered(ctx, "poll", Poll):
        yield {
            "id": ctx.ids.to_archive("poll", poll.id),
            "item": ctx.ids.to_archive("agenda_item", poll.item_id),
            "position": poll.position,
            "type": poll.type,
            "question": poll.question,
            "options": list(poll.options),
            "max_choices": poll.max_choices,
            "scale_min": poll.scale_min,
            "scale_max": poll.scale_max,
            "low_label": poll.low_label,
            "high_label": poll.high_label,
            "visibility": poll.visibility,
            "allow_change": poll.allow_change,
            "state": poll.state,
            "revision": poll.revision,
            "created_at": iso(poll.created_at),
            "opened_at": iso(poll.opened_at),
            "closed_at": iso(poll.closed_at),
        }


def restore_polls(ctx: RestoreContext, rows: list[Any]) -> None:
    restored = []
    for number, record in numbered_records(rows, "poll"):
        options = record.array("options")
        if any(not isinstance(o, str) or len(o) > rules.OPTION_MAX for o in options):
            raise damaged(N_("poll %(number)s has bad options"), number=number)
        poll = Poll(
            consultation_id=ctx.consultation.id,
            item_id=ctx.ids.from_archive(
                "agenda_item", record.integer("item", minimum=1, null=True)
            ),
            position=record.integer("position"),
            type=record.choice("type", rules.TYPES),
            question=record.string("question", max_length=rules.QUESTION_MAX),
            options=options,
            max_choices=record.integer("max_choices", minimum=1, null=True),
            scale_min=record.integer("scale_min", null=True),
            scale_max=record.integer("scale_max", null=True),
            low_label=record.string("low_label", max_length=rules.LABEL_MAX),
            high_label=record.string("high_label", max_length=rules.LABEL_MAX),
            visibility=record.choice("visibility", rules.VISIBILITIES),
            allow_change=record.boolean("allow_change"),
            state=record.choice("state", (rules.DRAFT, rules.OPEN, rules.CLOSED)),
            revision=record.integer("revision"),
            created_at=record.moment("created_at"),
            opened_at=record.moment("opened_at", null=True),
            closed_at=record.moment("closed_at", null=True),
        )
        ctx.tx.add(poll)
        restored.append((number, poll))
    ctx.tx.flush()
    for number, poll in restored:
        ctx.ids.bind("poll", number, poll.id)


def export_ballots(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    ballots = ctx.tx.scalars(
        select(Ballot)
        .join(Poll, Poll.id == Ballot.poll_id)
        .where(Poll.consultation_id == ctx.consultation.id)
        .order_by(Ballot.id)
    ).all()
    ctx.ids.number("poll_ballot", (ballot.id for ballot in ballots))
    for ballot in ballots:
        yield {
            "id": ctx.ids.to_archive("poll_ballot", ballot.id),
            "poll": ctx.ids.to_archive("poll", ballot.poll_id),
            "participant": ctx.ids.to_archive("participant", ballot.participant_id),
            "answer": ballot.answer,
            "shown": ballot.shown,
            "excluded": ballot.excluded,
            "cast_at": iso(ballot.cast_at),
            "changed_at": iso(ballot.changed_at),
        }


def restore_ballots(ctx: RestoreContext, rows: list[Any]) -> None:
    restored = []
    for number, record in numbered_records(rows, "poll ballot"):
        poll = ctx.tx.get_one(Poll, ctx.ids.from_archive("poll", record.integer("poll", minimum=1)))
        try:  # the same rule that checked it when it was cast
            answer = rules.parse_answer(definition_of(poll), record.data.get("answer"))
        except DomainError as error:
            raise damaged(N_("poll ballot %(number)s has a bad answer"), number=number) from error
        ballot = Ballot(
            poll_id=poll.id,
            participant_id=ctx.ids.from_archive(
                "participant", record.integer("participant", minimum=1)
            ),
            answer=answer,
            shown=record.boolean("shown"),
            excluded=record.boolean("excluded", default=False),  # archives made before 0009
            cast_at=record.moment("cast_at"),
            changed_at=record.moment("changed_at"),
        )
        ctx.tx.add(ballot)
        restored.append((number, ballot))
    ctx.tx.flush()
    for number, ballot in restored:
        ctx.ids.bind("poll_ballot", number, ballot.id)


POLL_FIELDS = {
    "id": "poll",
    "poll_id": "poll",
    "item_id": "agenda_item",
    "answer_id": "poll_ballot",
}


def poll_payload(payload: Payload, remap: Remap) -> Payload:
    return remap_fields(payload, remap, POLL_FIELDS)


def closed_payload(payload: Payload, remap: Remap) -> Payload:
    remapped = dict(payload)
    if isinstance(payload.get("poll"), dict):
        remapped["poll"] = remap_fields(payload["poll"], remap, POLL_FIELDS)
    results = payload.get("results")
    if isinstance(results, dict):
        results = remap_fields(results, remap, POLL_FIELDS)
        if isinstance(results.get("answers"), list):
            results["answers"] = [
                remap_fields(answer, remap, {"id": "poll_ballot"})
                if isinstance(answer, dict)
                else answer
                for answer in results["answers"]
            ]
        remapped["results"] = results
    return remapped
