"""The questions in the report: per agenda item, answered first, with votes and duplicates.

What each audience gets:

- Listed in both: answered questions (with their written answers), approved
  ones not answered, archived ones; each with its votes, and under it the
  duplicates merged into it (their votes were moved to it, each voter counted once).
- Counted in the shareable report, listed in the full record (moderators):
  dismissed questions (with the reason), and questions never moderated —
  *pending* at the time of the report, or *hidden* (pending when their author
  was banned; the shareable report counts them as awaiting moderation, so it
  does not tell that a banned person had asked). Rapporteurs never see a
  pending question live either.
- A question's author only when the question was asked under a name. Anonymous
  questions (to attendees, or fully) show no author in any format or audience:
  views are the moderators' minus the author, as rapporteurs read them.
  The shareable report names an author only when the consultation is *on the
  record*: its question setting `anonymity` is `off` (it takes no anonymous
  questions, so everyone asked under their name, shown to the room). Where
  anonymity was on offer, a named question shows "an attendee" there; the
  moderators' full record keeps the name.

A question is filed under its agenda item; one asked when no item was running
goes to "Questions outside the agenda items". A duplicate sits under the
question it was merged into, wherever that one is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from server.core.access import hash_token, new_token
from server.core.events import Payload
from server.features.consultations.report import group_label, iso_local, places
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
)

from . import rules
from .models import Question, QuestionVote
from .service import staff_view

LISTED = (rules.ANSWERED, rules.APPROVED, rules.ARCHIVED)  # in this order
UNLISTED = (rules.DISMISSED, rules.PENDING, rules.HIDDEN)  # the full record only


# ---------------------------------------------------------------- what the report shows


@dataclass
class Entry:
    """A question as the report shows it, with the duplicates merged into it."""

    view: Payload
    votes: int
    number: str = ""
    merged: list[Entry] = field(default_factory=list)


def report_view(view: Payload) -> Payload:
    """The moderators' view without an anonymous author: the cut `rules.rapporteur_view`
    makes, kept for questions never moderated too (the full record lists them)."""
    return view if view.get("anonymity") == rules.NAMED else {**view, "author": None}


def on_the_record(ctx: ReportContext) -> bool:
    """Whether the consultation takes no anonymous questions: then the shareable report
    names the authors (everyone asked under their name, in front of the room)."""
    return rules.settings_of(ctx.consultation.settings).anonymity == rules.NAMED


def _shareable_view(ctx: ReportContext, view: Payload) -> Payload:
    """The view as this audience may name its author (see `on_the_record`; the public
    page, and under the Chatham House rule the shareable report, name no author)."""
    if ctx.audience == Audience.FULL or view.get("author") is None:
        return view
    if on_the_record(ctx) and ctx.names_shown and ctx.audience != Audience.PUBLIC:
        return view
    return {**view, "author": None, "unnamed": True}


def _entries(ctx: ReportContext) -> dict[int | None, list[Entry]]:
    """Every question of the consultation, by agenda item, in report order and numbered."""
    questions = ctx.tx.scalars(
        select(Question)
        .where(Question.consultation_id == ctx.consultation.id)
        .order_by(Question.id)
    ).all()
    votes = dict(
        ctx.tx.execute(
            select(QuestionVote.question_id, func.count())
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.consultation_id == ctx.consultation.id)
            .group_by(QuestionVote.question_id)
        ).all()
    )
    entries = {
        q.id: Entry(
            _shareable_view(ctx, report_view(dict(staff_view(ctx.tx, q)))), votes.get(q.id, 0)
        )
        for q in questions
    }
    by_item: dict[int | None, list[Entry]] = {}
    for question in questions:
        entry = entries[question.id]
        if question.state == rules.MERGED:
            root = _root(entries, question.id)
            if root is not None:
                root.merged.append(entry)
                continue
        by_item.setdefault(question.item_id, []).append(entry)
    for listed in by_item.values():
        listed.sort(key=_report_order)
        for number, entry in enumerate(listed, start=1):
            entry.number = str(number)
            for sub, duplicate in enumerate(_family(entry)[1:], start=1):
                duplicate.number = f"{number}.{sub}"
    return by_item


def _root(entries: dict[int, Entry], question_id: int) -> Entry | None:
    """The question a duplicate was merged into, following merges of merges."""
    seen = set()
    entry = entries[question_id]
    while entry.view["state"] == rules.MERGED and entry.view["id"] not in seen:
        seen.add(entry.view["id"])
        target = entries.get(entry.view["merged_into_id"])
        if target is None:
            return None
        entry = target
    return None if entry.view["state"] == rules.MERGED else entry


def _family(entry: Entry) -> list[Entry]:
    """The question, then its duplicates in the order they were asked."""
    return [entry, *sorted(entry.merged, key=lambda e: e.view["id"])]


def _report_order(entry: Entry) -> tuple[int, int, str, int]:
    """Answered, then open, then archived — most votes first — then the rest."""
    state, order = entry.view["state"], LISTED + UNLISTED
    rank = order.index(state) if state in order else len(order)
    votes = -entry.votes if state in LISTED else 0
    return (rank, votes, entry.view["created_at"] or "", entry.view["id"])


def is_listed(entry: Entry, audience: Audience) -> bool:
    return audience == Audience.FULL or entry.view["state"] in LISTED


def author_line(view: Payload) -> str:
    """ "Amina (Civil society, NG)", "an attendee" (named, but not in this report), or
    "Anonymous"."""
    author = view.get("author")
    if view.get("unnamed"):
        return _("an attendee")
    if not author:
        return _("Anonymous")
    where = ", ".join(
        part for part in (group_label(author["stakeholder_group"]), author["country"]) if part
    )
    return f"{isolate(author['display_name'] or _('(no name given)'))} ({where})"


def _status(ctx: ReportContext, entry: Entry, parent: Entry | None) -> str:
    view = entry.view
    if parent is not None:
        return _("Merged into %(number)s", number=parent.number)
    labels = {
        rules.ANSWERED: _("Answered"),
        rules.APPROVED: _("Not answered"),
        rules.ARCHIVED: _("Archived"),
        rules.DISMISSED: _("Dismissed"),
        rules.PENDING: _("Awaiting moderation"),
        rules.HIDDEN: _("Hidden: its author was banned"),
    }
    status = str(labels.get(view["state"], view["state"]))
    if view["state"] == rules.ANSWERED and view["answered_at"]:
        status = _(
            "%(status)s at %(time)s",
            status=status,
            time=ctx.local(datetime.fromisoformat(view["answered_at"]), "%H:%M"),
        )
    return status


def _rows(
    ctx: ReportContext, entries: list[Entry], with_reason: bool
) -> Iterator[tuple[Cell, ...]]:
    for entry in entries:
        for duplicate in _family(entry):
            parent = None if duplicate is entry else entry
            view = duplicate.view
            last: Cell = view["dismiss_reason"] if with_reason else view["answer"]
            yield (
                duplicate.number,
                view["text"],
                author_line(view),
                "" if parent else duplicate.votes,
                _status(ctx, duplicate, parent),
                last,
            )


def _counts(ctx: ReportContext, entries: list[Entry]) -> Counter[str]:
    """Questions by state; duplicates count as merged. The shareable report counts hidden
    questions as awaiting moderation: apart, they would say a banned person had asked."""
    counted: Counter[str] = Counter()
    for entry in entries:
        for member in _family(entry):
            state = rules.MERGED if member is not entry else entry.view["state"]
            if state == rules.HIDDEN and ctx.audience.shareable:
                state = rules.PENDING
            counted[state] += 1
    return counted


def _section(ctx: ReportContext, key: str, title: str, entries: list[Entry]) -> Section | None:
    if not entries:
        return None
    counted = _counts(ctx, entries)
    facts = [(_("Questions asked"), str(sum(counted.values())))]
    for state, label in (
        (rules.ANSWERED, _("Answered")),
        (rules.APPROVED, _("Not answered")),
        (rules.ARCHIVED, _("Archived")),
        (rules.MERGED, _("Merged into another")),
        (rules.DISMISSED, _("Dismissed")),
        (rules.PENDING, _("Awaiting moderation")),
        (rules.HIDDEN, _("Hidden (author banned)")),
    ):
        if counted[state]:
            facts.append((label, str(counted[state])))
    listed = [e for e in entries if e.view["state"] in LISTED]
    unlisted = [e for e in entries if e.view["state"] not in LISTED]
    blocks: list[Any] = [Facts(tuple(facts))]
    if listed:
        columns = (_("#"), _("Question"), _("Asked by"), _("Votes"), _("Status"), _("Answer"))
        blocks.append(Table(columns, list(_rows(ctx, listed, with_reason=False))))
    if unlisted and ctx.audience == Audience.FULL:
        columns = (_("#"), _("Question"), _("Asked by"), _("Votes"), _("Status"), _("Reason"))
        table = Table(columns, list(_rows(ctx, unlisted, with_reason=True)))
        title_unlisted = _("Dismissed and unmoderated questions (moderators only)")
        blocks.append(Section("questions_unlisted", title_unlisted, (table,)))
    elif unlisted:
        hidden = sum(len(_family(entry)) for entry in unlisted)
        blocks.append(Facts(((_("Listed only in the moderators' full record"), str(hidden)),)))
    return Section(key, title, tuple(blocks))


def item_questions(ctx: ReportContext, item: ReportItem) -> Section | None:
    return _section(ctx, "questions", _("Questions"), _entries(ctx).get(item.id, []))


def questions_outside_agenda(ctx: ReportContext) -> Section | None:
    entries = _entries(ctx).get(None, [])
    return _section(ctx, "questions", _("Questions outside the agenda items"), entries)


def questions_csv(ctx: ReportContext) -> Table:
    columns = (
        "item_number",
        "item_title",
        "number",
        "text",
        "state",
        "merged_into",
        "votes",
        "answer",
        "dismiss_reason",
        "anonymity",
        "author",
        "author_stakeholder_group",
        "author_country",
        "edited",
        "asked_at",
        "asked_at_local",
        "answered_at",
        "answered_at_local",
    )
    return Table(columns, _csv_rows(ctx))


def _csv_rows(ctx: ReportContext) -> Iterator[tuple[Cell, ...]]:
    by_item = _entries(ctx)
    for item_number, item_title, item_id in places(ctx):
        for entry in by_item.get(item_id, []):
            if not is_listed(entry, ctx.audience):
                continue
            for member in _family(entry):
                view, author = member.view, member.view.get("author") or {}
                yield (
                    item_number,
                    item_title,
                    member.number,
                    view["text"],
                    view["state"],
                    entry.number if member is not entry else "",
                    "" if member is not entry else member.votes,
                    view["answer"],
                    view["dismiss_reason"],
                    view["anonymity"],
                    author.get("display_name", ""),
                    author.get("stakeholder_group", ""),
                    author.get("country", ""),
                    "yes" if view["edited"] else "",
                    view["created_at"],
                    iso_local(ctx, view["created_at"]),
                    view["answered_at"] or "",
                    iso_local(ctx, view["answered_at"]),
                )


# ---------------------------------------------------------------- the timeline


def _line(ctx: ReportContext, question_id: Any, text: str | None) -> str:
    """A question's text in a timeline row; the shareable report keeps dismissed ones out."""
    if ctx.audience == Audience.FULL:
        if text is not None:
            return text
        # Rapporteurs read a pending question as its id and state; moderators read it all.
        question = ctx.tx.get(Question, question_id) if isinstance(question_id, int) else None
        return question.text if question else ""
    if text is None:
        return _("a question awaiting moderation")
    if not _ends_listed(ctx, question_id):
        return _("a question that was dismissed")
    return text


def _ends_listed(ctx: ReportContext, question_id: Any) -> bool:
    """Whether the question (or the one it was merged into) is listed in every report."""
    seen: set[int] = set()
    while isinstance(question_id, int) and question_id not in seen:
        seen.add(question_id)
        question = ctx.tx.get(Question, question_id)
        if question is None:
            return False
        if question.state != rules.MERGED:
            return question.state in LISTED
        question_id = question.merged_into_id
    return False


def _view_line(ctx: ReportContext, view: Any) -> str:
    if not isinstance(view, dict):
        return ""
    return _line(ctx, view.get("id"), view.get("text"))


def question_summary(ctx: ReportContext, payload: Payload) -> str:
    line = _view_line(ctx, payload.get("question"))
    if "into" in payload:
        kept = isolate(_view_line(ctx, payload["into"]))
        return _("%(duplicate)s → %(kept)s", duplicate=isolate(line), kept=kept)
    return line


def voted_summary(ctx: ReportContext, payload: Payload) -> str:
    question_id = payload.get("question_id")
    question = ctx.tx.get(Question, question_id) if isinstance(question_id, int) else None
    return _line(ctx, question_id, question.text) if question else ""


def settings_summary(ctx: ReportContext, payload: Payload) -> str:
    changed = payload.get("changed") or {}
    return ", ".join(f"{key}: {value}" for key, value in sorted(changed.items()))


def opened_summary(ctx: ReportContext, payload: Payload) -> str:
    for item in ctx.items:
        if item.id == payload.get("item_id"):
            return f"{item.number}. {isolate(item.title)}"
    return _("all agenda items")


def banned_summary(ctx: ReportContext, payload: Payload) -> str:
    person = payload.get("participant") or {}
    where = (group_label(str(person.get("stakeholder_group", ""))), person.get("country") or "")
    return ", ".join(part for part in where if part)


def no_name(payload: Payload) -> Payload:
    """Reports name no attendee (see features/consultations/report.py, PERSON_EVENTS)."""
    person = payload.get("participant")
    if not isinstance(person, dict):
        return payload
    return {**payload, "participant": {**person, "display_name": ""}}


# ---------------------------------------------------------------- the archive


def export_questions(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    ids = ctx.ids
    for question in numbered(ctx, "question", Question):
        named = question.anonymity == rules.NAMED
        yield {
            "id": ids.to_archive("question", question.id),
            "item": ids.to_archive("agenda_item", question.item_id),
            # Never who asked anonymously; the receipt's hash stays behind like a token's.
            "author": ids.to_archive("participant", question.author_id) if named else None,
            "anonymity": question.anonymity,
            "text": question.text,
            "state": question.state,
            "pinned": question.pinned,
            "answer": question.answer,
            "dismiss_reason": question.dismiss_reason,
            "merged_into": ids.to_archive("question", question.merged_into_id),
            "created_at": iso(question.created_at),
            "approved_at": iso(question.approved_at),
            "answered_at": iso(question.answered_at),
            "edited_at": iso(question.edited_at),
        }


def restore_questions(ctx: RestoreContext, rows: list[Any]) -> None:
    ids = ctx.ids
    restored: list[tuple[int, Question, Any]] = []
    for number, record in numbered_records(rows, "question"):
        question = Question(
            consultation_id=ctx.consultation.id,
            item_id=ids.from_archive("agenda_item", record.integer("item", minimum=1, null=True)),
            author_id=ids.from_archive(
                "participant", record.integer("author", minimum=1, null=True)
            ),
            anonymity=record.choice("anonymity", rules.ANONYMITY_LEVELS),
            text=record.string("text", max_length=rules.MAX_TEXT),
            state=record.choice("state", rules.STATES),
            pinned=record.boolean("pinned"),
            answer=record.string("answer", max_length=rules.MAX_ANSWER),
            dismiss_reason=record.string("dismiss_reason", max_length=rules.MAX_REASON),
            receipt_hash=hash_token(new_token()),  # nobody holds a receipt for it any more
            created_at=record.moment("created_at"),
            approved_at=record.moment("approved_at", null=True),
            answered_at=record.moment("answered_at", null=True),
            edited_at=record.moment("edited_at", null=True),
        )
        ctx.tx.add(question)
        restored.append((number, question, record.integer("merged_into", minimum=1, null=True)))
    ctx.tx.flush()
    for number, question, _into in restored:
        ids.bind("question", number, question.id)
    for _number, question, into in restored:  # a duplicate may name a later question
        question.merged_into_id = ids.from_archive("question", into)
    ctx.tx.flush()


def export_votes(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    votes = ctx.tx.scalars(
        select(QuestionVote)
        .join(Question, Question.id == QuestionVote.question_id)
        .where(Question.consultation_id == ctx.consultation.id)
        .order_by(QuestionVote.id)
    )
    for vote in votes:
        yield {
            "question": ctx.ids.to_archive("question", vote.question_id),
            "participant": ctx.ids.to_archive("participant", vote.participant_id),
            "created_at": iso(vote.created_at),
        }


def restore_votes(ctx: RestoreContext, rows: list[Any]) -> None:
    for record in records(rows, "question vote"):
        ctx.tx.add(
            QuestionVote(
                question_id=ctx.ids.from_archive("question", record.integer("question", minimum=1)),
                participant_id=ctx.ids.from_archive(
                    "participant", record.integer("participant", minimum=1)
                ),
                created_at=record.moment("created_at"),
            )
        )
    ctx.tx.flush()


# Quota rows stay behind: their last time matches a person to their latest question.

QUESTION_FIELDS = {
    "id": "question",
    "item_id": "agenda_item",
    "merged_into_id": "question",
    "previous_id": "question",
    "question_id": "question",
    "participant_id": "participant",
}


def _question_ids(view: Any, remap: Remap) -> Any:
    if not isinstance(view, dict):
        return view
    remapped = remap_fields(view, remap, QUESTION_FIELDS)
    if isinstance(view.get("author"), dict):
        remapped["author"] = remap_fields(view["author"], remap, QUESTION_FIELDS)
    return remapped


def question_payload(payload: Payload, remap: Remap) -> Payload:
    remapped = remap_fields(payload, remap, QUESTION_FIELDS)
    for key in ("question", "into"):
        if key in payload:
            remapped[key] = _question_ids(payload[key], remap)
    return remapped


def ban_payload(payload: Payload, remap: Remap) -> Payload:
    return {**payload, "participant": _question_ids(payload.get("participant"), remap)}


def settings_payload(payload: Payload, remap: Remap) -> Payload:
    remapped = remap_fields(payload, remap, {"item_id": "agenda_item"})
    if isinstance(payload.get("settings"), dict):
        remapped["settings"] = settings_ids(payload["settings"], remap)
    return remapped


def settings_ids(settings: Payload, remap: Remap) -> Payload:
    closed = settings.get("closed_items")
    if not isinstance(closed, list):
        return settings
    kept = [remap("agenda_item", item_id) for item_id in closed]
    return {**settings, "closed_items": [item_id for item_id in kept if item_id is not None]}
