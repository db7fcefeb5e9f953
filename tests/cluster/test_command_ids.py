"""A command sent again with the same client command id takes effect once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.app import create_app
from server.config import Config
from server.core import commands
from server.core.models import Event
from server.core.receipt_rows import CommandReceipt
from server.features.consultations.snapshots import snapshot
from tests.conftest import new_consultation
from tests.threads import together


def english(error):
    return error.message


def run(core, viewer, name, payload):
    return commands.run(core, viewer, name, payload, english)


def event_count(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalar(
            select(func.count()).select_from(Event).where(Event.consultation_id == consultation_id)
        )


def new_id():
    return str(uuid.uuid4())


@pytest.fixture
def create_consultation(store, tmp_path):
    """Consultations on both databases, in an application that can publish their events."""
    app = create_app(
        Config(
            database_url=store.url,
            secret_key="test",
            async_mode="threading",
            instance_path=str(tmp_path),
            testing=True,
        )
    )
    core = app.extensions["baraza"]
    yield lambda: new_consultation(core)
    core.store.dispose()


def test_a_repeated_command_takes_effect_once_and_is_answered_alike(create_consultation):
    c = create_consultation()
    command_id = new_id()
    before = event_count(c.core, c.id)
    first = run(
        c.core, c.moderator, "add_item", {"title": "Q&A", "minutes": 10, "command_id": command_id}
    )
    after_first = event_count(c.core, c.id)
    again = run(
        c.core, c.moderator, "add_item", {"title": "Q&A", "minutes": 10, "command_id": command_id}
    )
    assert first == again == {"ok": True}
    assert after_first == before + 1
    assert event_count(c.core, c.id) == after_first
    titles = [i["title"] for i in snapshot(c.core, c.moderator)["agenda"]["items"]]
    assert titles.count("Q&A") == 1


def test_a_repeated_link_replacement_returns_the_same_new_link_once(create_consultation):
    c = create_consultation()
    command_id = new_id()
    first = run(
        c.core, c.moderator, "replace_link", {"role": "rapporteur", "command_id": command_id}
    )
    again = run(
        c.core, c.moderator, "replace_link", {"role": "rapporteur", "command_id": command_id}
    )
    assert first["ok"] is True and again == first
    with c.core.store.reading() as tx:
        stored = tx.scalars(select(CommandReceipt.reply)).all()
    assert all(first["token"] not in (reply or "") for reply in stored)
    assert all(command_id not in (reply or "") for reply in stored)


def test_a_refused_command_leaves_no_receipt_and_may_be_sent_again(create_consultation):
    c = create_consultation()
    command_id = new_id()
    refused = run(
        c.core,
        c.moderator,
        "extend_item",
        {"item_id": 10**6, "minutes": 2, "command_id": command_id},
    )
    assert refused["error"]["code"] == "unknown_item"
    item = c.item_ids()[0]
    accepted = run(
        c.core,
        c.moderator,
        "extend_item",
        {"item_id": item, "minutes": 2, "command_id": command_id},
    )
    assert accepted == {"ok": True}


def test_the_same_id_for_another_command_is_refused_and_does_nothing(create_consultation):
    c = create_consultation()
    command_id = new_id()
    assert run(c.core, c.moderator, "next_item", {"command_id": command_id}) == {"ok": True}
    before = event_count(c.core, c.id)
    reused = run(
        c.core, c.moderator, "add_item", {"title": "x", "minutes": 1, "command_id": command_id}
    )
    assert reused["error"]["code"] == "command_id_reused"
    assert event_count(c.core, c.id) == before


def test_ids_are_per_person(create_consultation):
    c = create_consultation()
    other = c.join()
    command_id = new_id()
    assert run(c.core, c.moderator, "next_item", {"command_id": command_id}) == {"ok": True}
    refused = run(c.core, other, "next_item", {"command_id": command_id})
    assert refused["error"]["code"] == "forbidden"


@pytest.mark.parametrize("bad", ["short", 42, "x" * 101, "spaces are not allowed here"])
def test_a_malformed_command_id_is_refused(create_consultation, bad):
    c = create_consultation()
    ack = run(c.core, c.moderator, "next_item", {"command_id": bad})
    assert ack["error"]["code"] == "invalid_command_id"


def test_simultaneous_repeats_take_effect_once(create_consultation):
    c = create_consultation()
    command_id = new_id()
    before = event_count(c.core, c.id)

    def send():
        payload = {"title": "Late item", "minutes": 5, "command_id": command_id}
        return run(c.core, c.moderator, "add_item", payload)

    assert together([send] * 6) == [{"ok": True}] * 6
    assert event_count(c.core, c.id) == before + 1
