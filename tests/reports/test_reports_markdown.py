"""The Markdown report of a scripted consultation, checked against reviewed golden files."""

import os
from pathlib import Path

import pytest

from server.reports.markdown import cell, escape_line

GOLDEN = Path(__file__).with_name("golden")


@pytest.mark.parametrize("audience", ["full", "shareable"])
def test_the_markdown_report_matches_the_reviewed_golden_file(scripted, download, audience):
    report = download(scripted.consultation.id, "markdown", audience).decode("utf-8")
    golden = GOLDEN / f"report-{audience}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(report, encoding="utf-8")
    assert report == golden.read_text(encoding="utf-8"), (
        "the report changed: review it, then UPDATE_GOLDEN=1 to accept"
    )


def test_the_shareable_timeline_leaves_out_comings_and_goings(scripted, download):
    full = download(scripted.consultation.id, "markdown", "full").decode()
    shareable = download(scripted.consultation.id, "markdown", "shareable").decode()
    assert "Participant arrived" in full
    assert "Participant arrived" not in shareable
    assert "Item started" in shareable and "Note saved" in shareable


def test_a_live_consultation_reports_what_has_happened_so_far(
    create_consultation, core, clock, download
):
    from server.features.agenda import service as agenda

    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    clock.advance(7 * 60)
    report = download(c.id, "markdown").decode()
    assert "in progress at 09:37 WAT (08:37 UTC)" in report
    assert "7 min so far" in report
    assert "still running" in report
    assert "| 1 | Opening | 5 min | 09:30 WAT | – | 7 min | ⚠ 2 min |" in report


def test_typed_text_cannot_become_markup():
    assert cell("a | b\nc") == "a \\| b c"
    assert cell("<script>*x*</script>") == "\\<script\\>\\*x\\*\\</script\\>"
    assert escape_line("# not a heading") == "\\# not a heading"
    assert escape_line("1. not a list") == "1\\. not a list"
    assert escape_line("[link](http://x)") == "\\[link\\](http://x)"
