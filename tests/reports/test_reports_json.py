"""The JSON archive: the whole log and state, restored all or nothing, byte for byte."""

import json

import pytest
from sqlalchemy import func, select

from server.archive.restore import restore
from server.core.errors import DomainError
from server.core.models import AgendaItem, Consultation, Event, Participant
from server.features.consultations import service as consultations
from server.features.notes.models import Note
from server.features.questions import service as questions
from server.features.speakers import service as speakers
from tests.conftest import Clock
from tests.reports.scripted import EVENTS, run_script


def _lines(data: bytes) -> list[str]:
    return data.decode().split("\n")


def _counts(core):
    with core.store.reading() as tx:
        return [
            tx.scalar(select(func.count()).select_from(model))
            for model in (Consultation, AgendaItem, Participant, Event, Note)
        ]


def test_export_import_export_gives_the_same_file_byte_for_byte(scripted, download, core):
    original = download(scripted.consultation.id, "json", "full")
    restored = restore(core, original)
    assert restored.consultation_id != scripted.consultation.id
    again = download(restored.consultation_id, "json", "full")
    assert again == original
    assert download(restore(core, again).consultation_id, "json", "full") == original


def test_the_archive_is_versioned_and_holds_every_event_in_order(scripted, download):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    assert (archive["format"], archive["version"]) == ("baraza-archive", 1)
    assert [e["seq"] for e in archive["events"]] == list(range(1, EVENTS + 1))
    assert list(archive["tables"]) == [
        "agenda_items",
        "participants",
        "notes",
        "questions",
        "question_votes",
        "polls",
        "poll_ballots",
        "speaker_hands",
        "closed_speaker_lists",
        "integrity_flags",
    ]
    assert "join_code" not in archive["consultation"]
    assert "token" not in json.dumps(archive)


def test_ids_are_the_consultations_own_inside_tables_and_payloads(scripted, download):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    assert [item["id"] for item in archive["tables"]["agenda_items"]] == [1, 2, 3, 4, 5]
    started = [e["payload"]["id"] for e in archive["events"] if e["type"] == "item_started"]
    assert started == [1, 2, 3, 4]
    notes = {note["item"]: note["author"] for note in archive["tables"]["notes"]}
    assert notes == {None: 2, 1: 2, 2: 2, 3: 2}


@pytest.mark.parametrize("audience", ["full", "shareable"])
def test_a_restored_consultation_reports_like_the_original(scripted, download, core, audience):
    restored = restore(core, download(scripted.consultation.id, "json", "full"))
    assert download(restored.consultation_id, "markdown", audience) == download(
        scripted.consultation.id, "markdown", audience
    )


def test_a_restored_consultation_has_a_fresh_code_and_its_own_staff_links(scripted, download, core):
    restored = restore(core, download(scripted.consultation.id, "json", "full"))
    assert restored.join_code != scripted.consultation.join_code
    chair = consultations.claim_link(core, restored.moderator_token, {"display_name": "Archivist"})
    assert chair.viewer.consultation_id == restored.consultation_id
    assert chair.viewer.role == "moderator"
    writer = consultations.claim_link(core, restored.rapporteur_token, {})
    assert writer.viewer.role == "rapporteur"


def _damage_event(archive, index, **changes):
    archive["events"][index].update(changes)


def _drop_event(archive):
    del archive["events"][5]


def _dangling_note(archive):
    archive["tables"]["notes"][0]["item"] = 99


def _bad_zone(archive):
    archive["consultation"]["time_zone"] = "Mars/Olympus"


def _long_name(archive):
    archive["tables"]["participants"][0]["display_name"] = "x" * 61


def _unknown_table(archive):
    archive["tables"]["mystery"] = []


def _version_two(archive):
    archive["version"] = 2


def _last_event_broken(archive):
    archive["events"][-1]["visibility"] = "secret"


def _missing_events(archive):
    del archive["events"]


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (_drop_event, "invalid_archive"),
        (_dangling_note, "invalid_archive"),
        (_bad_zone, "invalid_archive"),
        (_long_name, "invalid_archive"),
        (_unknown_table, "unknown_archive_table"),
        (_version_two, "unsupported_archive_version"),
        (_last_event_broken, "invalid_archive"),
        (_missing_events, "invalid_archive"),
    ],
)
def test_a_damaged_archive_is_refused_whole(scripted, download, core, damage, code):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    damage(archive)
    before = _counts(core)
    with pytest.raises(DomainError) as refused:
        restore(core, json.dumps(archive).encode())
    assert refused.value.code == code
    assert refused.value.message
    assert _counts(core) == before


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (lambda whole: whole[: len(whole) // 2], "invalid_archive"),
        (lambda whole: whole[:-3], "invalid_archive"),
        (lambda whole: b"\xff\xfe not text", "invalid_archive"),
        (lambda whole: b'{"short_name": "africa-2024", "agenda": []}', "foreign_archive"),
        (lambda whole: b"[1, 2, 3]", "foreign_archive"),
    ],
    ids=["half", "cut-short", "binary", "agenda-file", "a-list"],
)
def test_a_truncated_corrupt_or_foreign_file_is_refused(scripted, download, core, data, code):
    whole = download(scripted.consultation.id, "json", "full")
    before = _counts(core)
    with pytest.raises(DomainError) as refused:
        restore(core, data(whole))
    assert refused.value.code == code
    assert _counts(core) == before


def test_the_command_line_exports_and_imports_an_archive(app, app_core, tmp_path):
    app_core.clock = clock = Clock()
    scripted = run_script(app_core, clock)
    runner = app.test_cli_runner()
    target = tmp_path / "archive.json"
    code = scripted.consultation.join_code
    exported = runner.invoke(args=["export-json", code, "--output", str(target)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(args=["import-json", str(target)])
    assert imported.exit_code == 0, imported.output
    assert "moderator:   http://localhost/m/" in imported.output
    assert "rapporteur:  http://localhost/r/" in imported.output
    assert f"(join code {code})" not in imported.output
    target.write_bytes(target.read_bytes()[:100])
    refused = runner.invoke(args=["import-json", str(target)])
    assert refused.exit_code != 0
    assert "invalid_archive" in refused.output


def test_feature_settings_name_the_restored_consultations_own_items(
    create_consultation, core, download
):
    c = create_consultation()
    ids = c.item_ids()
    questions.set_open(core, c.moderator, ids[2], False)
    speakers.set_time_limit(core, c.moderator, 120, ids[1])
    archive = json.loads(download(c.id, "json", "full"))
    settings = archive["consultation"]["settings"]
    assert settings["questions"]["closed_items"] == [3]  # the archive's own numbers
    assert settings["speakers"]["item_time_limits"] == {"2": 120}
    restored = restore(core, json.dumps(archive).encode())
    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, restored.consultation_id)
        new_ids = [item.id for item in consultation.items]
        settings = consultation.settings
    assert new_ids[0] not in ids
    assert settings["questions"]["closed_items"] == [new_ids[2]]
    assert settings["speakers"]["item_time_limits"] == {str(new_ids[1]): 120}


def test_an_id_that_is_not_a_number_in_a_features_event_is_refused(scripted, download, core):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    ballot = next(e for e in archive["events"] if e["type"] == "ballot_cast")
    ballot["payload"]["poll_id"] = [1]
    before = _counts(core)
    with pytest.raises(DomainError) as refused:
        restore(core, json.dumps(archive).encode())
    assert refused.value.code == "invalid_archive"
    assert _counts(core) == before


def test_a_file_nested_past_the_parsers_reach_is_refused_clearly(core):
    with pytest.raises(DomainError) as refused:
        restore(core, b"[" * 100_000 + b"]" * 100_000)
    assert refused.value.code == "invalid_archive"
