"""The floor in the report: each item's speakers with durations, and the speaking-time totals."""

import json

from server.archive.restore import restore
from server.core.models import Consultation
from server.features.agenda import service as agenda
from server.features.speakers import service as speakers
from server.features.speakers.service import speakers_by_item, speaking_totals
from tests.reports.reading import csv_files, markdown_of, part, table_rows


def test_each_item_lists_its_speakers_with_their_durations(scripted, download):
    item = part(
        markdown_of(download, scripted.consultation.id, "shareable"), "### 3. Convention status"
    )
    floor = part(item, "#### Speakers")
    assert "- **Turns:** 3\n- **Speaking time:** 8 min\n" in floor
    assert table_rows(floor) == [
        "| 1 | Amina | Civil society | NG | Ratification timeline | 09:54:00 WAT "
        "| 09:56:30 WAT | 2 min 30 s | – |",
        "| 2 | Zainab | Government | NG |  | 09:56:30 WAT | 10:00:30 WAT | 4 min | ⚠ 30 s |",
        "| 3 | Kofi | Academia | GH | Research access | 10:00:30 WAT "
        "| 10:02:00 WAT | 1 min 30 s | – |",
    ]


def test_the_speakers_totals_by_group_and_country_are_in_the_markdown_log(scripted, download):
    totals = part(markdown_of(download, scripted.consultation.id, "full"), "## Speaking time")
    assert "- **Turns:** 4\n- **Speaking time:** 10 min\n" in totals
    assert table_rows(part(totals, "### By stakeholder group")) == [
        "| Government | 1 | 4 min | 40.0% |",
        "| Academia | 2 | 3 min 30 s | 35.0% |",
        "| Civil society | 1 | 2 min 30 s | 25.0% |",
    ]
    assert table_rows(part(totals, "### By country")) == [
        "| NG | 2 | 6 min 30 s | 65.0% |",
        "| GH | 2 | 3 min 30 s | 35.0% |",
    ]
    # Three speakers in all: every group is under 5, and together too (no row repeats the totals).
    shared = part(markdown_of(download, scripted.consultation.id, "shareable"), "## Speaking time")
    assert "- **Turns:** 4\n- **Speaking time:** 10 min\n" in shared
    assert table_rows(part(shared, "### By country")) == [
        "| NG | fewer than 5 |  |  |",
        "| GH | fewer than 5 |  |  |",
    ]


def test_the_csv_holds_every_turn_and_the_totals(scripted, download):
    files = csv_files(download(scripted.consultation.id, "csv", "full"))
    turns = files["speakers.csv"]
    assert [(t["item_number"], t["display_name"], t["seconds"]) for t in turns] == [
        ("2", "Kofi", "120"),
        ("3", "Amina", "150"),
        ("3", "Zainab", "240"),
        ("3", "Kofi", "90"),
    ]
    zainab = turns[2]
    assert (zainab["limit_seconds"], zainab["extra_seconds"], zainab["overrun_seconds"]) == (
        "180",
        "30",
        "30",
    )
    assert zainab["started_at"] == "2024-01-18T08:56:30+00:00"
    assert zainab["started_at_local"] == "2024-01-18T09:56:30+01:00"
    totals = {(r["breakdown"], r["value"]): r["seconds"] for r in files["speaking_time.csv"]}
    assert totals[("all", "")] == "600"
    assert totals[("country", "NG")] == "390"
    assert totals[("stakeholder_group", "academia")] == "210"


def test_a_cancelled_or_running_turn_is_not_a_turn_yet(create_consultation, core, clock, download):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    amina = c.join(display_name="Amina")
    (raised,) = speakers.raise_hand(core, amina, None, "").events
    speakers.give_floor(core, c.moderator)
    clock.advance(20)
    speakers.put_back(core, c.moderator, raised.payload["id"])  # the wrong person: cancelled
    speakers.give_floor(core, c.moderator)
    clock.advance(40)
    report = markdown_of(download, c.id, "shareable")
    assert "#### Speakers" not in report and "## Speaking time" not in report
    speakers.end_turn(core, c.moderator)
    report = markdown_of(download, c.id, "shareable")
    assert "| 1 | Amina | Other | – |  | 09:30:20 WAT | 09:31:00 WAT | 40 s | – |" in report


def _record(core, consultation_id):
    with core.store.reading() as tx:
        now = tx.get_one(Consultation, consultation_id).ended_at
        items = speakers_by_item(tx, consultation_id, now)
        totals = speaking_totals(tx, consultation_id, now)
    plain = [
        [
            {k: v for k, v in turn.items() if k not in ("hand_id", "item_id", "participant_id")}
            for turn in item["speakers"]
        ]
        for item in items
    ]
    return plain, totals


def test_the_speakers_survive_the_archive_under_the_names_they_spoke_under(
    scripted, download, core
):
    original = download(scripted.consultation.id, "json", "full")
    restored = restore(core, original)
    assert download(restored.consultation_id, "json", "full") == original
    assert _record(core, restored.consultation_id) == _record(core, scripted.consultation.id)
    archive = json.loads(original)
    names = [hand["display_name"] for hand in archive["tables"]["speaker_hands"]]
    assert names == ["Kofi", "Kofi", "Amina", "Zainab"]
    attendees = [p for p in archive["tables"]["participants"] if p["role"] == "attendee"]
    assert {p["display_name"] for p in attendees} == {""}  # the people table still names no one
