"""The CSV zip: every file parses, and nothing in it runs as a spreadsheet formula."""

import io
import zipfile

import pytest

from server.reports.csv_export import neutralise
from tests.reports.reading import csv_files


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-5 votes", "'-5 votes"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_kept_as_text(typed, stored):
    assert neutralise(typed) == stored


def test_the_zip_holds_agenda_attendance_and_timeline_tables(scripted, download):
    files = csv_files(download(scripted.consultation.id, "csv"))
    assert list(files) == [
        "consultation.csv",
        "agenda.csv",
        "attendance.csv",
        "participation.csv",
        "questions.csv",
        "moderation.csv",
        "polls.csv",
        "poll_answers.csv",
        "speakers.csv",
        "speaking_time.csv",
        "timeline.csv",
    ]
    agenda = files["agenda.csv"]
    assert [row["title"] for row in agenda] == [
        "Opening",
        "Regional issues",
        "Convention status",
        "Closing",
        "Open floor",
    ]
    assert agenda[0]["overrun_seconds"] == "60" and agenda[0]["seconds_used"] == "360"
    assert agenda[0]["started_at"] == "2024-01-18T08:31:00+00:00"
    assert agenda[0]["started_at_local"] == "2024-01-18T09:31:00+01:00"
    assert (
        agenda[1]["notes"] == "Capacity gaps raised by several delegates.\n\nFollow-up: training."
    )
    assert agenda[4]["seconds_used"] == ""
    attendance = {(r["breakdown"], r["value"]): r for r in files["attendance.csv"]}
    assert attendance[("all", "")]["joined"] == "6"
    assert attendance[("all", "")]["peak_concurrent"] == "6"
    assert attendance[("country", "NG")]["joined"] == "<5"  # shareable: a small group
    assert [row["seq"] for row in files["timeline.csv"]][:3] == ["1", "14", "15"]


def test_the_csv_holds_the_header_and_the_general_notes_as_the_other_formats_do(scripted, download):
    files = csv_files(download(scripted.consultation.id, "csv"))
    header = {row["field"]: row["value"] for row in files["consultation.csv"]}
    assert header["title"] == "Regional Cybercrime Consultations for Africa"
    assert header["region"] == "Africa"
    assert header["time_zone"] == "Africa/Lagos"
    assert header["scheduled_start"] == "2024-01-18T08:30:00+00:00"
    assert header["scheduled_start_local"] == "2024-01-18T09:30:00+01:00"
    assert header["scheduled_end_local"] == "2024-01-18T10:10:00+01:00"
    assert header["started_at_local"].startswith("2024-01-18T09:3")
    assert header["planned_minutes"] == "40"
    assert header["moderators"] == "Chair"
    assert header["audience"] == "shareable"
    assert header["general_notes"] == "Quorum reached; French interpretation available."
    markdown = download(scripted.consultation.id, "markdown").decode()
    assert "Quorum reached; French interpretation available." in markdown


def test_a_note_written_as_a_formula_stays_text_in_the_csv(scripted, download):
    agenda = csv_files(download(scripted.consultation.id, "csv"))["agenda.csv"]
    assert agenda[2]["notes"] == '\'=HYPERLINK("http://evil.example","ratified")'


def test_every_csv_starts_with_a_byte_order_mark_for_spreadsheets(scripted, download):
    archive = zipfile.ZipFile(io.BytesIO(download(scripted.consultation.id, "csv")))
    for name in archive.namelist():
        assert archive.read(name).startswith("\ufeff".encode())
