"""Integrity in the reports: what was excluded from the results, and why (every report);
the flags the server raised, and what became of them (the full record).

The shareable report names no one: counts, polls by their question, questions by their
text only when published, and the moderators' reasons as written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from server.core.events import Payload
from server.features.polls.models import Ballot, Poll
from server.features.questions import rules as question_rules
from server.features.questions.models import Question, QuestionVote
from server.i18n import gettext as _
from server.reports.bidi import isolate
from server.reports.model import Audience, Facts, ReportContext, Section, Table

from .models import IntegrityFlag
from .rules import BAN_EVASION, IDENTICAL_VOTES, JOIN_BURST, LATE_BALLOTS


def kind_label(kind: str) -> str:
    labels = {
        JOIN_BURST: _("Many joins from one address"),
        IDENTICAL_VOTES: _("New attendees voting identically"),
        LATE_BALLOTS: _("Ballots from attendees who joined after the poll opened"),
        BAN_EVASION: _("Joined from a banned attendee's address"),
    }
    return labels.get(kind, kind)


def _flags(ctx: ReportContext) -> list[IntegrityFlag]:
    return list(
        ctx.tx.scalars(
            select(IntegrityFlag)
            .where(IntegrityFlag.consultation_id == ctx.consultation.id)
            .order_by(IntegrityFlag.id)
        )
    )


def _poll_label(ctx: ReportContext, poll_id: int | None) -> str:
    poll = ctx.tx.get(Poll, poll_id) if poll_id is not None else None
    return _("Poll: %(question)s", question=isolate(poll.question)) if poll else ""


def _question_label(ctx: ReportContext, question_id: int | None) -> str:
    question = ctx.tx.get(Question, question_id) if question_id is not None else None
    if question is None:
        return ""
    if question.state in question_rules.PUBLIC_STATES or ctx.audience == Audience.FULL:
        return _("Question: %(question)s", question=isolate(question.text))
    return _("A question not published")


def excluded_rows(ctx: ReportContext) -> list[tuple[str, int, int, str]]:
    """What is excluded now: per poll or question, how many ballots or upvotes, and the
    reasons of the flags that excluded them."""
    flags = {flag.id: flag for flag in _flags(ctx)}
    if not flags:
        return []
    ballots = ctx.tx.execute(
        select(Ballot.poll_id, Ballot.excluded_by_flag, func.count())
        .where(Ballot.excluded_by_flag.in_(list(flags)))
        .group_by(Ballot.poll_id, Ballot.excluded_by_flag)
        .order_by(Ballot.poll_id, Ballot.excluded_by_flag)
    ).all()
    votes = ctx.tx.execute(
        select(QuestionVote.question_id, QuestionVote.excluded_by_flag, func.count())
        .where(QuestionVote.excluded_by_flag.in_(list(flags)))
        .group_by(QuestionVote.question_id, QuestionVote.excluded_by_flag)
        .order_by(QuestionVote.question_id, QuestionVote.excluded_by_flag)
    ).all()
    rows: list[tuple[str, int, int, str]] = []
    for poll_id, flag_id, count in ballots:
        reason = flags[flag_id].reason if flag_id is not None else ""
        rows.append((_poll_label(ctx, poll_id), count, 0, reason))
    for question_id, flag_id, count in votes:
        reason = flags[flag_id].reason if flag_id is not None else ""
        rows.append((_question_label(ctx, question_id), 0, count, reason))
    return rows


def integrity_section(ctx: ReportContext) -> Section | None:
    """Every report: what was excluded from the results (or that nothing was, once the
    server raised a flag); the full record also lists the flags."""
    flags = _flags(ctx)
    if not flags:
        return None
    rows = excluded_rows(ctx)
    ballots = sum(row[1] for row in rows)
    votes = sum(row[2] for row in rows)
    blocks: list[Facts | Table] = [
        Facts(
            (
                (_("Ballots excluded from the results"), str(ballots)),
                (_("Upvotes excluded from the counts"), str(votes)),
            )
        )
    ]
    if rows:
        blocks.append(
            Table(
                (_("Excluded from"), _("Ballots"), _("Upvotes"), _("Reason")),
                [(what, b, v, isolate(reason)) for what, b, v, reason in rows],
            )
        )
    if ctx.audience == Audience.FULL:
        blocks.append(
            Table(
                (
                    _("Flag"),
                    _("Raised"),
                    _("Attendees"),
                    _("Poll or question"),
                    _("State"),
                    _("Reason"),
                ),
                [
                    (
                        kind_label(flag.kind),
                        ctx.both(flag.raised_at),
                        int(flag.evidence.get("count", len(flag.participant_ids))),
                        _poll_label(ctx, flag.poll_id) or _question_label(ctx, flag.question_id),
                        state_label(flag.state),
                        isolate(flag.reason),
                    )
                    for flag in flags
                ],
            )
        )
    return Section(
        "integrity",
        _("Integrity"),
        tuple(blocks),
        data={"excluded_ballots": ballots, "excluded_votes": votes, "flags": len(flags)},
    )


def state_label(state: str) -> str:
    labels = {
        "open": _("Awaiting a decision"),
        "dismissed": _("Dismissed, nothing excluded"),
        "excluded": _("Excluded from the results"),
        "included": _("Counted again"),
    }
    return labels.get(state, state)


def integrity_csv(ctx: ReportContext) -> Table:
    """What was excluded, one row a poll or question and flag (no rows: nothing was)."""
    return Table(("excluded_from", "ballots", "upvotes", "reason"), excluded_rows(ctx))


def flag_summary(ctx: ReportContext, payload: Payload) -> str:
    """A flag's line in the timeline: its kind, how many, and the moderator's reason."""
    flag: dict[str, Any] = payload.get("flag") or {}
    evidence = flag.get("evidence") or {}
    line = _(
        "%(kind)s: %(n)s attendees",
        kind=kind_label(str(flag.get("kind", ""))),
        n=evidence.get("count", 0),
    )
    reason = payload.get("reason")
    return f"{line} — {isolate(reason)}" if reason else line
