"""Text people typed cannot reorder the report around it: each run is a bidi isolate.

A display name holding U+202E (right-to-left override) would show everything after
it on its line backwards. In Markdown and DOCX every value a person typed that
holds right-to-left letters or direction controls is wrapped in U+2068 (first
strong isolate) … U+2069 (pop directional isolate), with its own controls
balanced so it cannot close the isolate early. The CSV keeps values as stored.
"""

import io
import zipfile

from sqlalchemy import update

from server.core.models import Participant
from server.features.polls import service as polls
from server.features.polls.models import Poll
from server.reports.bidi import isolate
from tests.reports.reading import csv_files, markdown_of

RLO, FSI, PDI, LRI = "\u202e", "\u2068", "\u2069", "\u2066"
SPOOF = f"Chair{RLO}gpj.exe"


def _store(core, model, row_id, **values):
    """Stored text, past today's input rules (an older version, a restored archive)."""
    with core.store.transaction() as tx:
        tx.execute(update(model).where(model.id == row_id).values(**values))


def test_plain_left_to_right_text_is_left_as_it_is():
    assert isolate("Capacity building, 2024 (phase 2)!") == "Capacity building, 2024 (phase 2)!"


def test_right_to_left_text_and_direction_controls_are_isolated():
    assert isolate("بناء القدرات") == f"{FSI}بناء القدرات{PDI}"
    assert isolate(SPOOF) == f"{FSI}{SPOOF}{PDI}"


def test_a_stray_pop_cannot_close_the_isolate_and_an_open_one_is_closed():
    assert isolate(f"a{PDI}{RLO}b") == f"{FSI}a{RLO}b{PDI}"
    assert isolate(f"a{LRI}b") == f"{FSI}a{LRI}b{PDI}{PDI}"


def test_a_name_with_an_override_is_isolated_in_markdown_and_docx_not_in_csv(
    core, create_consultation, download
):
    c = create_consultation()
    _store(core, Participant, c.moderator.participant_id, display_name=SPOOF)
    question = f"Ratify {RLO}the Convention?"
    poll_id, _events = polls.create_poll(
        core, c.moderator, {"type": "single", "question": "Q", "options": ["Yes", "No"]}
    )
    _store(core, Poll, poll_id, question=question)
    polls.open_poll(core, c.moderator, poll_id)
    polls.close_poll(core, c.moderator, poll_id)

    report = markdown_of(download, c.id, "full")
    assert f"- **Moderators:** {FSI}{SPOOF}{PDI}\n" in report
    assert f"Poll 1: {FSI}{question}{PDI}" in report
    assert f"| {FSI}{SPOOF}{PDI} | {FSI}{question}{PDI} — 0 voters |" in report
    assert RLO not in report.replace(f"{FSI}{SPOOF}{PDI}", "").replace(f"{FSI}{question}{PDI}", "")

    document = zipfile.ZipFile(io.BytesIO(download(c.id, "docx", "full"))).read("word/document.xml")
    assert f"{FSI}{SPOOF}{PDI}".encode() in document

    header = {r["field"]: r["value"] for r in csv_files(download(c.id, "csv"))["consultation.csv"]}
    assert header["moderators"] == SPOOF
