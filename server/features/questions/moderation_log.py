"""The published moderation log: what moderators did with the questions, in counts.

Every report, shareable included, says how many questions were asked and what
became of them — published (approved, answered), merged, archived, dismissed (by
reason), edited by a moderator, still awaiting moderation — and how many people
were banned. Counts only: never a dismissed question's text, never a name.

Dismissal reasons are the moderators' own words, which the asker is shown with
their question ("Dismissed: …"); they are grouped as written (ignoring case and
spaces), the commonest first, the rest summed as "other reasons". A question held
back because its author was banned counts as awaiting moderation in the shareable
report (as in the questions' own sections), so that it does not say a banned
person had asked.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from server.core.models import Participant
from server.i18n import gettext as _
from server.reports.model import Facts, ReportContext, Section, Table

from . import rules
from .models import Question

REASONS_SHOWN = 5


def moderation_log(ctx: ReportContext) -> Section | None:
    counts = _counts(ctx)
    if not counts:
        return None
    labels = {
        "asked": _("Questions asked"),
        "published": _("Published (approved or answered)"),
        "merged": _("Merged into another"),
        "archived": _("Archived"),
        "dismissed": _("Dismissed"),
        "edited": _("Edited by moderators"),
        "awaiting_moderation": _("Awaiting moderation"),
        "hidden": _("Hidden (author banned)"),
        "people_banned": _("People banned"),
    }
    facts = tuple((labels[key], str(count)) for key, count in counts.items())
    blocks: list[Facts | Table] = [Facts(facts)]
    reasons = _reasons(ctx)
    if reasons:
        blocks.append(Table((_("Reason for dismissal"), _("Questions")), _reason_rows(reasons)))
    return Section("moderation_log", _("Moderation"), tuple(blocks))


def moderation_csv(ctx: ReportContext) -> Table:
    """The same counts for a spreadsheet: one row a measure, then one a dismissal reason."""
    rows: list[tuple[str, str, int]] = [(key, "", n) for key, n in _counts(ctx).items()]
    rows += [("dismissed_for", reason, n) for reason, n in _reason_rows(_reasons(ctx))]
    return Table(("measure", "reason", "count"), rows)


def _counts(ctx: ReportContext) -> dict[str, int]:
    """The measures in the order shown; none when no question was asked."""
    states, edited = _states(ctx)
    if not states:
        return {}
    if ctx.audience.shareable:
        states[rules.PENDING] += states.pop(rules.HIDDEN, 0)
    counts = {
        "asked": sum(states.values()),
        "published": states[rules.APPROVED] + states[rules.ANSWERED],
        "merged": states[rules.MERGED],
        "archived": states[rules.ARCHIVED],
        "dismissed": states[rules.DISMISSED],
        "edited": edited,
        "awaiting_moderation": states[rules.PENDING],
    }
    if states[rules.HIDDEN]:
        counts["hidden"] = states[rules.HIDDEN]
    counts["people_banned"] = _banned(ctx)
    return counts


def _states(ctx: ReportContext) -> tuple[Counter[str], int]:
    rows = ctx.tx.execute(
        select(Question.state, Question.edited_at.is_not(None)).where(
            Question.consultation_id == ctx.consultation.id
        )
    )
    states: Counter[str] = Counter()
    edited = 0
    for state, was_edited in rows:
        states[state] += 1
        edited += bool(was_edited)
    return states, edited


def _reasons(ctx: ReportContext) -> Counter[str]:
    given = ctx.tx.scalars(
        select(Question.dismiss_reason).where(
            Question.consultation_id == ctx.consultation.id, Question.state == rules.DISMISSED
        )
    )
    return Counter(
        " ".join(reason.split()).capitalize() or _("No reason given") for reason in given
    )


def _reason_rows(reasons: Counter[str]) -> list[tuple[str, int]]:
    common = reasons.most_common()
    rows = [(reason, count) for reason, count in common[:REASONS_SHOWN]]
    rest = sum(count for _reason, count in common[REASONS_SHOWN:])
    return rows + [(_("Other reasons"), rest)] if rest else rows


def _banned(ctx: ReportContext) -> int:
    banned = select(func.count()).where(
        Participant.consultation_id == ctx.consultation.id, Participant.banned_at.is_not(None)
    )
    return int(ctx.tx.scalar(banned) or 0)
