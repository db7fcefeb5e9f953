"""Attendance in the report: who joined and the most connected at once, overall, by
stakeholder group and by country (small groups protected in the shareable report),
replayed from the log (replay.py). Declared in this feature's `feature.py`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select

from server.core.events import ATTENDEE, Payload
from server.core.models import Participant
from server.features.consultations.report import group_label
from server.i18n import gettext as _
from server.reports.model import Audience, Cell, Facts, ReportContext, Section, Table, logged_events
from server.reports.small_groups import CSV_MARKS, Marks, protect, report_marks

from . import replay as attendance


def attendance_figures(ctx: ReportContext) -> dict[str, Any]:
    """Joined and peak concurrent attendees, overall, by stakeholder group and by country."""
    joined = ctx.tx.execute(
        select(Participant.stakeholder_group, Participant.country, func.count())
        .where(Participant.consultation_id == ctx.consultation.id, Participant.role == ATTENDEE)
        .group_by(Participant.stakeholder_group, Participant.country)
    ).all()
    by_group: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    for group, country, count in joined:
        by_group[group] += count
        by_country[country] += count
    peaks = attendance.replay(
        (e.type, e.payload, e.at)
        for e in logged_events(ctx.tx, ctx.consultation.id, (attendance.ARRIVED, attendance.LEFT))
    )
    return {
        "joined": sum(by_group.values()),
        "peak": peaks.peak,
        "peak_at": peaks.peak_at,
        "peak_everyone": ctx.consultation.peak_present,
        "by_group": _breakdown(by_group, peaks.peak_by_group),
        "by_country": _breakdown(by_country, peaks.peak_by_country),
    }


def _breakdown(joined: Counter[str], peaks: Counter[str]) -> list[tuple[str, int, int]]:
    # Most joined first; "not given" (an empty country) last.
    keys = sorted(set(joined) | set(peaks), key=lambda k: (k == "", -joined[k], k))
    return [(key, joined[key], peaks[key]) for key in keys]


def _peak_among(ctx: ReportContext, field: str, keys: Iterable[str]) -> int:
    """The most attendees of these groups (or countries) connected at once, together."""
    together = set(keys)
    merged = "\0others"  # no group or country is called this

    def as_one(payload: Payload) -> Payload:
        value = str(payload.get(field) or ("other" if field == "stakeholder_group" else ""))
        return {**payload, field: merged} if value in together else payload

    peaks = attendance.replay(
        (e.type, as_one(e.payload), e.at)
        for e in logged_events(ctx.tx, ctx.consultation.id, (attendance.ARRIVED, attendance.LEFT))
    )
    counted = peaks.peak_by_group if field == "stakeholder_group" else peaks.peak_by_country
    return counted[merged]


def _attendance_rows(
    ctx: ReportContext,
    figures: dict[str, Any],
    dimension: str,
    label: Callable[[str], Cell],
    marks: Marks,
) -> list[tuple[Cell, ...]]:
    """A breakdown's rows, `(group, joined, peak)`; small groups hidden in shareable ones."""
    field = {"by_group": "stakeholder_group", "by_country": "country"}[dimension]
    protected = protect(figures[dimension], lambda row: int(row[1]), ctx.audience)
    return protected.rows(
        lambda row: label(row[0]),
        lambda row: row[1:],
        lambda rows: (sum(r[1] for r in rows), _peak_among(ctx, field, (r[0] for r in rows))),
        marks,
    )


def attendance_section(ctx: ReportContext) -> Section:
    figures = attendance_figures(ctx)
    facts = (
        (_("Attendees who joined"), str(figures["joined"])),
        (
            _("Most attendees connected at once"),
            _("%(n)s, at %(at)s", n=figures["peak"], at=ctx.both(figures["peak_at"]))
            if figures["peak_at"]
            else "0",
        ),
        (_("Most people connected at once, staff included"), str(figures["peak_everyone"])),
    )
    marks = report_marks()
    groups = Table(
        (_("Stakeholder group"), _("Joined"), _("Peak at once")),
        _attendance_rows(ctx, figures, "by_group", group_label, marks),
    )
    countries = Table(
        (_("Country"), _("Joined"), _("Peak at once")),
        _attendance_rows(
            ctx, figures, "by_country", lambda country: country or _("not given"), marks
        ),
    )
    return Section(
        "attendance",
        _("Attendance"),
        (
            Facts(facts),
            Section("attendance_groups", _("By stakeholder group"), (groups,)),
            Section("attendance_countries", _("By country"), (countries,)),
        ),
        data=figures if ctx.audience == Audience.FULL else {},
    )


def attendance_csv(ctx: ReportContext) -> Table:
    figures = attendance_figures(ctx)
    rows: list[tuple[Cell, ...]] = [("all", "", figures["joined"], figures["peak"])]
    for dimension, breakdown in (("by_group", "stakeholder_group"), ("by_country", "country")):
        rows += [
            (breakdown, *row)
            for row in _attendance_rows(ctx, figures, dimension, lambda key: key, CSV_MARKS)
        ]
    return Table(("breakdown", "value", "joined", "peak_concurrent"), rows)
