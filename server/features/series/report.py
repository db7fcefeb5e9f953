"""The comparison as a shareable report (Markdown, DOCX) and as a CSV table.

Made from the comparison's own records (comparison.py), so the downloads show
exactly what the page shows: small groups hidden, no author, hidden results absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from server.core.errors import N_
from server.features.consultations.labels import GROUP_LABELS
from server.i18n import gettext as _
from server.reports.csv_export import BOM, csv_line
from server.reports.model import Audience, Cell, Facts, Report, Section, Table
from server.reports.small_groups import CSV_MARKS, report_marks

from .views import ComparisonView, PollComparisonView

STATUS_LABELS = {
    "not_opened": N_("not opened yet"),
    "hidden": N_("live; shown once its attendees see the results"),
    "dropped": N_("this region dropped the poll"),
    "no_answers": N_("nobody answered"),
    "not_comparable": N_("its options were changed since and no longer match"),
}


def _group(key: str) -> str:
    if key == CSV_MARKS.other:
        return report_marks().other
    label = GROUP_LABELS.get(key)
    return str(label) if label is not None else key


def _mark(hidden: str) -> str:
    marks = report_marks()
    return marks.small if hidden == CSV_MARKS.small else marks.folded


def _method(poll: PollComparisonView) -> str:
    if poll["method"] == "borda":
        n = len(poll["options"])
        return _(
            "Ranking, Borda count: of %(n)s options, a first place earns %(top)s points and a "
            "last place 0. Bars show each option's share of the points.",
            n=n,
            top=n - 1,
        )
    if poll["type"] == "multiple":
        return _("Several choices: bars show the share of voters who chose each option.")
    return _("Single choice: bars show each option's share of voters.")


def build(view: ComparisonView) -> Report:
    """The comparison as a report, in the reader's language."""
    sections = [_differ(view)]
    sections += [_poll(poll) for poll in view["polls"]]
    sections.append(_attendance(view))
    title = _("Comparison across regions") + ": " + view["title"]
    return Report(title, Audience.SHAREABLE, tuple(sections))


def _differ(view: ComparisonView) -> Section:
    rows: list[tuple[Cell, ...]] = [
        (d["question"], f"{d['regions'][0]} / {d['regions'][1]}", f"{d['distance']:.2f}")
        for d in view["differ_most"]
    ]
    return Section(
        "series_differ",
        _("Where regions differ most"),
        (
            Facts(
                (
                    (
                        _("Measure"),
                        _(
                            "Total variation distance: the share of answers that would have to "
                            "change for one region to answer like the other, from 0 (the same) "
                            "to 1 (nothing in common). Regions with fewer than 5 voters are "
                            "left out."
                        ),
                    ),
                )
            ),
            Table((_("Poll"), _("Regions furthest apart"), _("Distance")), rows),
        ),
    )


def _poll(poll: PollComparisonView) -> Section:
    options = poll["options"]
    counted = [r for r in poll["regions"] if r["status"] == "counted"]
    table = Table(
        (_("Region"), _("Voters"), *(o["label"] for o in options)),
        [
            (
                r["region"],
                r["voters"],
                *(f"{r['percent'][o['key']]}% ({r['values'][o['key']]})" for o in options),
            )
            for r in counted
        ],
    )
    facts = [(_("Method"), _method(poll))]
    for r in poll["regions"]:
        if r["status"] != "counted":
            facts.append((r["region"], _(STATUS_LABELS[r["status"]])))
    blocks: list[Any] = [Facts(tuple(facts))]
    if poll["empty"]:
        blocks.append(
            Facts(((_("Results"), _("No region has answers to show for this poll yet.")),))
        )
    else:
        blocks.append(table)
    for r in counted:
        rows: list[tuple[Cell, ...]] = []
        for g in r["by_group"]:
            if g["hidden"]:
                rows.append((_group(g["key"]), _mark(g["hidden"]), *([""] * len(options))))
            else:
                values = g["values"] or {}
                rows.append((_group(g["key"]), g["voters"], *(values[o["key"]] for o in options)))
        blocks.append(
            Section(
                "series_poll_groups",
                _("By stakeholder group in %(region)s", region=r["region"]),
                (
                    Table(
                        (_("Stakeholder group"), _("Voters"), *(o["label"] for o in options)), rows
                    ),
                ),
            )
        )
    return Section("series_poll", poll["question"], tuple(blocks))


def _attendance(view: ComparisonView) -> Section:
    rows: list[tuple[Cell, ...]] = []
    for region in view["attendance"]:
        for g in region["attendance"]["by_group"]:
            shown: Cell = _mark(g["hidden"]) if g["hidden"] else g["count"]
            rows.append((region["region"], _group(g["key"]), shown))
    return Section(
        "series_attendance",
        _("Attendance by region and stakeholder group"),
        (Table((_("Region"), _("Stakeholder group"), _("People")), rows),),
    )


CSV_COLUMNS = (
    "poll_key",
    "question",
    "method",
    "region",
    "sample",
    "status",
    "stakeholder_group",
    "voters",
    "option_key",
    "option_label",
    "value",
    "percent",
)


def csv_rows(view: ComparisonView) -> Iterator[str]:
    """One line per poll, region, group and option: machine-readable, small groups "<5"."""
    yield BOM + csv_line(CSV_COLUMNS)
    for poll in view["polls"]:
        for r in poll["regions"]:
            head = (poll["key"], poll["question"], poll["method"], r["region"], r["sample"])
            if r["status"] != "counted":
                yield csv_line((*head, r["status"], "", "", "", "", "", ""))
                continue
            for o in poll["options"]:
                yield csv_line(
                    (
                        *head,
                        r["status"],
                        "",
                        r["voters"],
                        o["key"],
                        o["label"],
                        r["values"][o["key"]],
                        r["percent"][o["key"]],
                    )
                )
            for g in r["by_group"]:
                for o in poll["options"]:
                    values = g["values"] or {}
                    yield csv_line(
                        (
                            *head,
                            r["status"],
                            g["key"],
                            g["hidden"] or g["voters"],
                            o["key"],
                            o["label"],
                            "" if g["hidden"] else values[o["key"]],
                            "",
                        )
                    )
