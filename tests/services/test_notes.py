"""Rapporteurs' notes: every save stored, the log told at most once a minute per note."""

import threading

import pytest
from sqlalchemy import select

from server.core.errors import DomainError
from server.core.models import Event
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import snapshot
from server.features.notes import service as notes
from server.features.notes.rules import MAX_NOTE_BYTES, MAX_REVISION


def _note_events(core, consultation_id):
    with core.store.reading() as tx:
        return [
            (event.payload["item_id"], event.payload["text"])
            for event in tx.scalars(
                select(Event)
                .where(Event.consultation_id == consultation_id, Event.type == "note_saved")
                .order_by(Event.seq)
            )
        ]


def _notes(core, viewer):
    return {n["item_id"]: n for n in snapshot(core, viewer)["notes"]["items"]}


def _seqs(core, consultation_id):
    with core.store.reading() as tx:
        return list(
            tx.scalars(
                select(Event.seq)
                .where(Event.consultation_id == consultation_id)
                .order_by(Event.seq)
            )
        )


def test_a_rapporteurs_note_is_read_by_moderators_and_rapporteurs(create_consultation, core):
    c = create_consultation()
    writer = c.rapporteur()
    item = c.item_ids()[0]
    reply, events = notes.save_note(core, writer, item, "Opening remarks.", 1)
    assert reply == {"revision": 1, "saved_at": "2024-01-18T08:30:00+00:00", "logged": True}
    assert [e.type for e in events] == ["note_saved"]
    assert events[0].visibility == "staff"
    for viewer in (c.moderator, writer):
        assert _notes(core, viewer)[item]["text"] == "Opening remarks."
    assert snapshot(core, c.moderator)["notes"]["max_bytes"] == MAX_NOTE_BYTES


def test_attendees_never_see_notes(create_consultation, core):
    c = create_consultation()
    notes.save_note(core, c.rapporteur(), None, "General remarks.", 1)
    assert "notes" not in snapshot(core, c.join())


def test_typing_is_stored_every_time_but_logged_at_most_once_a_minute(
    create_consultation, core, clock
):
    c = create_consultation()
    writer = c.rapporteur()
    item = c.item_ids()[1]
    logged = []
    for revision, text in enumerate(["A", "Ab", "Abc", "Abcd"], start=1):
        reply, _events = notes.save_note(core, writer, item, text, revision)
        logged.append(reply["logged"])
        clock.advance(15)
    assert logged == [True, False, False, False]
    assert _notes(core, writer)[item]["text"] == "Abcd"
    clock.advance(1)  # 61 s after the first save
    reply, _events = notes.save_note(core, writer, item, "Abcde", 5)
    assert reply["logged"] is True
    assert _note_events(core, c.id) == [(item, "A"), (item, "Abcde")]


def test_the_sweep_logs_the_latest_text_once_its_minute_is_over(create_consultation, core, clock):
    c = create_consultation()
    writer = c.rapporteur()
    notes.save_note(core, writer, None, "First line", 1)
    clock.advance(10)
    notes.save_note(core, writer, None, "First line\nSecond line", 2)

    def swept():  # the PostgreSQL database is shared with other tests' consultations
        return [e for e in notes.log_pending(core) if e.consultation_id == c.id]

    assert swept() == []
    clock.advance(50)
    (event,) = swept()
    assert event.payload["text"] == "First line\nSecond line"
    assert event.actor_role == "rapporteur"
    assert swept() == []
    assert _note_events(core, c.id) == [(None, "First line"), (None, "First line\nSecond line")]


def test_saving_the_same_text_again_changes_and_logs_nothing(create_consultation, core, clock):
    c = create_consultation()
    writer = c.rapporteur()
    notes.save_note(core, writer, None, "Same", 1)
    clock.advance(120)
    reply, events = notes.save_note(core, writer, None, "Same", 2)
    assert (reply["logged"], events) == (False, [])
    assert _notes(core, writer)[None]["revision"] == 1


def test_a_late_save_from_the_same_writer_is_refused_as_stale(create_consultation, core):
    c = create_consultation()
    writer = c.rapporteur()
    notes.save_note(core, writer, None, "Newer", 5)
    with pytest.raises(DomainError) as refused:
        notes.save_note(core, writer, None, "Older", 4)
    assert refused.value.code == "stale_note"
    assert _notes(core, writer)[None]["text"] == "Newer"


def test_the_last_rapporteur_to_save_a_note_wins(create_consultation, core):
    c = create_consultation()
    first, second = c.rapporteur(), c.rapporteur()
    notes.save_note(core, first, None, "From the first", 9)
    notes.save_note(core, second, None, "From the second", 1)
    note = _notes(core, first)[None]
    assert (note["text"], note["author_id"]) == ("From the second", second.participant_id)


def test_only_rapporteurs_write_notes(create_consultation, core):
    c = create_consultation()
    for viewer in (c.moderator, c.join()):
        with pytest.raises(DomainError) as refused:
            notes.save_note(core, viewer, None, "Not mine to write", 1)
        assert refused.value.code == "forbidden"


def test_notes_can_be_finished_after_the_consultation_ends(create_consultation, core):
    c = create_consultation()
    agenda.end_consultation(core, c.moderator)
    reply, _events = notes.save_note(core, c.rapporteur(), None, "Written up afterwards.", 1)
    assert reply["logged"] is True


@pytest.mark.parametrize(
    ("item", "text", "revision", "code"),
    [
        (999_999, "x", 1, "unknown_item"),
        ("1", "x", 1, "unknown_item"),
        (True, "x", 1, "unknown_item"),
        (None, 42, 1, "invalid_text"),
        (None, "bell\x07", 1, "invalid_text"),
        (None, "cut \udfff here", 1, "invalid_unicode"),
        (None, "ع" * (MAX_NOTE_BYTES // 2), 1, "note_too_long"),  # 2 bytes each, and quotes
        (None, '"' * (MAX_NOTE_BYTES // 2), 1, "note_too_long"),  # each sent as \"
        (None, "x", 0, "invalid_revision"),
        (None, "x", "2", "invalid_revision"),
        (None, "x", True, "invalid_revision"),
        (None, "x", 2**53, "invalid_revision"),
    ],
)
def test_a_refused_save_writes_nothing(create_consultation, core, item, text, revision, code):
    c = create_consultation()
    writer = c.rapporteur()
    before = _seqs(core, c.id)
    with pytest.raises(DomainError) as refused:
        notes.save_note(core, writer, item, text, revision)
    assert refused.value.code == code
    assert _seqs(core, c.id) == before
    assert _notes(core, writer) == {}


@pytest.mark.parametrize("revision", [2**31, 1_733_000_000_000, MAX_REVISION])
def test_a_revision_from_the_browsers_clock_is_saved_on_every_database(
    create_consultation, core, revision
):
    """The rapporteur's page numbers its saves with `Date.now()`, far past 32 bits."""
    c = create_consultation()
    writer = c.rapporteur()
    reply, _ = notes.save_note(core, writer, None, "Saved at the bound.", revision)
    assert reply["revision"] == revision
    with pytest.raises(DomainError) as stale:
        notes.save_note(core, writer, None, "Older.", revision - 1)
    assert stale.value.code == "stale_note"
    assert _notes(core, writer)[None]["text"] == "Saved at the bound."


@pytest.mark.parametrize("letter", ["ع", '"', "\n"])
def test_a_note_at_the_limit_of_what_one_message_carries_is_saved(
    create_consultation, core, letter
):
    c = create_consultation()
    writer = c.rapporteur()
    text = letter * (MAX_NOTE_BYTES // 2 - 1)
    notes.save_note(core, writer, None, text, 1)
    assert _notes(core, writer)[None]["text"] == text


def test_two_rapporteurs_typing_at_once_lose_nothing_and_keep_the_log_gap_free(
    create_consultation, core, clock
):
    c = create_consultation()
    items = c.item_ids()
    writers = [c.rapporteur(), c.rapporteur()]
    errors = []

    def type_into(writer, item):
        try:
            for revision in range(1, 16):
                notes.save_note(core, writer, item, f"draft {revision}", revision)
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [
        threading.Thread(target=type_into, args=(writer, item))
        for writer, item in zip(writers, items[:2], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    saved = _notes(core, writers[0])
    assert [saved[item]["text"] for item in items[:2]] == ["draft 15", "draft 15"]
    seqs = _seqs(core, c.id)
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(_note_events(core, c.id)) == 2
