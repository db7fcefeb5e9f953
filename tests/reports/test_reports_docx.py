"""The DOCX report opens in python-docx and holds the same facts as the Markdown one."""

import io

from docx import Document

from server.reports import docx as docx_report
from server.reports.model import Report, Section, Table, Text
from tests.reports.scripted import EVENTS


def _open(data: bytes):
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return document, paragraphs, tables


def test_the_word_report_has_headings_tables_and_the_notes(scripted, download):
    document, paragraphs, tables = _open(download(scripted.consultation.id, "docx", "full"))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[:3] == [
        "Full record (moderators only): Regional Cybercrime Consultations for Africa",
        "About the consultation",
        "Attendance",
    ]
    assert "1. Opening" in headings and "5. Open floor" in headings
    assert "Scheduled: 09:30–10:10 WAT (08:30–09:10 UTC)" in paragraphs
    assert "Moderators: Chair" in paragraphs
    assert "Welcome by the *chair*.\n- 40 countries | 3 regions" in paragraphs
    assert "Capacity gaps raised by several delegates." in paragraphs
    assert "Overrun: ⚠ 3 min over its time" in paragraphs
    agenda = next(t for t in tables if t[0][:2] == ["#", "Item"])
    assert agenda[1] == ["1", "Opening", "5 min", "09:31 WAT", "09:37 WAT", "6 min", "⚠ 1 min"]
    timeline = tables[-1]
    assert timeline[0][:4] == ["#", "Time (WAT)", "UTC", "Event"]
    assert [row[0] for row in timeline[1:]] == [str(n) for n in range(1, EVENTS + 1)]


def test_the_word_report_holds_the_questions_polls_and_speakers(scripted, download):
    document, paragraphs, tables = _open(download(scripted.consultation.id, "docx", "full"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    item = headings.index("2. Regional issues")
    assert headings[item : item + 12] == [
        "2. Regional issues",
        "Questions",
        "Dismissed and unmoderated questions (moderators only)",
        "Polls",
        "Poll 1: Rank the priorities",
        "By stakeholder group",
        "By country",
        "Poll 2: One word for the biggest obstacle",
        "By stakeholder group",
        "By country",
        "Speakers",
        "Rapporteur's notes",
    ]
    assert "Questions outside the agenda items" in headings and "Speaking time" in headings
    method = "Method: Borda count: of 3 options, a first place earns 2 points, a last place 0; "
    assert method + "the most points ranks first" in paragraphs
    asked = next(t for t in tables if t[0][:3] == ["#", "Question", "Asked by"])
    assert asked[1] == [
        "1",
        "How will capacity building be funded?",
        "Amina (Civil society, NG)",
        "4",
        "Answered at 09:38 WAT",
        "A regional fund, from 2025.",
    ]
    assert asked[2][:2] == ["1.1", "Who funds capacity building?"]
    ranking = next(t for t in tables if t[0][0] == "Rank")
    assert ranking[1] == ["1", "Capacity building", "6", "50.0%"]
    groups = next(
        t
        for t in tables
        if t[0] == ["Stakeholder group", "Turns", "Speaking time", "Share of the time"]
    )
    assert groups[1] == ["Government", "1", "4 min", "40.0%"]
    floor = [t for t in tables if t[0][:2] == ["#", "Speaker"]]
    assert [row[1] for row in floor[1][1:]] == ["Amina", "Zainab", "Kofi"]


def test_the_word_and_markdown_reports_agree_on_the_timeline(scripted, download):
    markdown = download(scripted.consultation.id, "markdown").decode()
    _document, _paragraphs, tables = _open(download(scripted.consultation.id, "docx"))
    markdown_rows = [
        line.split(" | ")[0].strip("| ")
        for line in markdown.split("## Timeline")[1].splitlines()
        if line.startswith("| ") and not line.startswith("| #")
    ]
    assert [row[0] for row in tables[-1][1:]] == markdown_rows


def test_text_xml_cannot_hold_is_dropped_not_fatal():
    report = Report(
        "Title \ufffe",
        "full",
        (Section("s", "Part", (Text("line one\nline \uffff two"), Table(("a",), [("x\ufffe",)]))),),
    )
    _document, paragraphs, tables = _open(docx_report.render(report))
    assert "line one\nline  two" in paragraphs
    assert tables == [[["a"], ["x"]]]
