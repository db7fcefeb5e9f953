"""An anonymous author's name appears in no format, for no audience."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document

from server.reports.model import ReportEvent, safe_event
from tests.reports.scripted import QUIET_NAME, REMARK, REMARKED, SECRET_NAME


def _text_of(fmt: str, data: bytes) -> str:
    """Everything a format holds, as text a person could read."""
    if fmt == "docx":
        document = Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "csv":
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    return data.decode("utf-8")


@pytest.mark.parametrize(
    ("fmt", "audience"),
    [
        ("markdown", "shareable"),
        ("markdown", "full"),
        ("docx", "shareable"),
        ("docx", "full"),
        ("csv", "shareable"),
        ("csv", "full"),
        ("json", "full"),
    ],
)
def test_an_anonymous_authors_name_appears_in_no_format(scripted, download, fmt, audience):
    text = _text_of(fmt, download(scripted.consultation.id, fmt, audience))
    # What they said is there (Sam anonymously to attendees, Quentin fully anonymously)…
    assert "Who pays for the training?" in text
    assert "Will the convention protect journalists?" in text
    assert "Is there funding for small states?" in text
    assert ("Why is this session so short?" in text) == (audience == "full")
    # …who said it is not.
    assert SECRET_NAME not in text
    assert QUIET_NAME not in text


def test_the_archive_keeps_no_attendee_as_the_actor_of_an_event(scripted, download):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    remark = next(e for e in archive["events"] if e["type"] == REMARK)
    assert remark["actor"] is None and remark["actor_role"] == "attendee"
    assert "author_name" not in remark["payload"]
    staff_acts = [e["actor"] for e in archive["events"] if e["type"] == "item_started"]
    assert staff_acts == [1, 1, 1, 1]


def test_the_safe_view_of_an_event_is_the_rapporteurs_without_an_attendee_actor():
    event = ReportEvent(
        7,
        REMARK,
        "public",
        datetime.now(UTC),
        {"text": "t", "author_name": "X"},
        42,
        "attendee",
        "X",
    )
    shown = safe_event(event, REMARKED)
    assert (shown.actor_id, shown.actor_name, shown.payload) == (None, "", {"text": "t"})
