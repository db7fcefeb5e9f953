"""A person who erases their name is in no download afterwards, in any format or audience;
everyone else's names stay where they were."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from server.archive.restore import restore
from server.features.consultations import service as consultations
from server.features.consultations.service import Consent
from server.features.privacy import service as privacy
from tests.reports.scripted import QUIET_NAME, SECRET_NAME

ERASED = ("Amina", SECRET_NAME)  # Amina asks under her name; Sam also remarks anonymously
KEPT = "Kofi"  # named in the full record (a speaker)
AUDIENCES = [
    (fmt, audience)
    for fmt in ("markdown", "docx", "csv", "json")
    for audience in ("full", "shareable")
    if not (fmt == "json" and audience == "shareable")
]


def text_of(fmt: str, data: bytes) -> str:
    """Every character a download holds; a zip's (CSV, DOCX) files' together."""
    if fmt not in ("csv", "docx"):
        return data.decode()
    with zipfile.ZipFile(io.BytesIO(data)) as files:
        texts = [name for name in files.namelist() if name.endswith((".csv", ".xml"))]
        return "\n".join(files.read(name).decode("utf-8-sig") for name in texts)


@pytest.mark.parametrize(("fmt", "audience"), AUDIENCES)
def test_no_download_holds_an_erased_name(core, scripted, download, fmt, audience):
    consultation_id = scripted.consultation.id
    before = text_of(fmt, download(consultation_id, fmt, audience))
    for key in ("amina", "sam"):
        privacy.erase_my_name(core, scripted.attendees[key])
    after = text_of(fmt, download(consultation_id, fmt, audience))
    assert "Amina" in before or audience == "shareable" or fmt == "json"
    assert not [name for name in ERASED if name in after]
    assert (KEPT in before) == (KEPT in after)
    assert QUIET_NAME not in after


def test_the_full_record_says_a_name_was_erased_without_saying_whose(core, scripted, download):
    privacy.erase_my_name(core, scripted.attendees["amina"])
    record = download(scripted.consultation.id, "markdown", "full").decode()
    line = next(line for line in record.splitlines() if "Name erased" in line)
    assert "at their request" in line and "Amina" not in line


def test_consent_and_erasure_survive_the_archive(core, create_consultation, download):
    c = create_consultation()
    accepted = Consent(version="0123456789abcdef", language="en")
    amina = consultations.join(core, c.join_code, {"display_name": "Amina"}, consent=accepted)
    privacy.erase_my_name(core, amina.viewer)
    original = download(c.id, "json", "full")
    restored = restore(core, original)
    assert download(restored.consultation_id, "json", "full") == original
    events = json.loads(original)["events"]
    kinds = [e["type"] for e in events]
    assert "privacy_notice_accepted" in kinds and "name_erased" in kinds
