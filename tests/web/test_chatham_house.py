"""The Chatham House switch (issue 19): under the rule no participant is named on any
screen but the staff's, in any event the public audience receives or in any shareable
download; the full record keeps the names and says first that it is for staff only."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.core.access import Viewer
from server.core.errors import DomainError
from server.core.runtime import Core
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec
from server.features.consultations.snapshots import catch_up, snapshot
from server.reports import exports
from server.reports.csv_export import CHATHAM_FILE
from server.reports.model import Audience
from tests.conftest import DEMO_SPEC, app_for, form_data, new_consultation
from tests.realtime.messages import envelopes

# Every kind of participant a page could name: an asker, a speaker, a note author
# (a rapporteur) and a moderator who acts.
ASKER, SPEAKER, NOTE_AUTHOR, MODERATOR = "Kwame Mensah", "Amina Okafor", "Ngozi Eze", "Folake Ade"
NAMES = (ASKER, SPEAKER, NOTE_AUTHOR, MODERATOR)
STAFF_ONLY = "Staff only — under the Chatham House rule"
# Named questions, published at once: without the rule, attendees read the asker's name.
ON_THE_RECORD = {"questions": {"anonymity": "off", "moderation": "post"}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The application on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    yield app_for(url, tmp_path)


def named_in(text: str) -> list[str]:
    return [name for name in NAMES if name in text]


def docx_text(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def zip_text(data: bytes) -> str:
    files = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(files.read(name).decode("utf-8-sig") for name in files.namelist())


def download(core: Core, consultation_id: int, fmt: str, audience: str) -> bytes:
    chosen = exports.FORMATS[fmt]
    return b"".join(exports.stream(core, consultation_id, chosen, Audience(audience)))


def sessions(app: Flask, socket_client: Any, *, chatham: bool) -> dict[str, Any]:
    """A consultation where everyone a page could name acts, with an attendee who only
    watches and a present view listening throughout."""
    core = app.extensions["baraza"]
    c = new_consultation(core, settings={**ON_THE_RECORD, "chatham_house": chatham})
    folake = consultations.claim_link(core, c.moderator_link, {"display_name": MODERATOR})
    ngozi = consultations.claim_link(core, c.rapporteur_link, {"display_name": NOTE_AUTHOR})
    _, asker_token = c.join_with_token(display_name=ASKER, stakeholder_group="academia")
    _, speaker_token = c.join_with_token(
        display_name=SPEAKER, stakeholder_group="civil_society", country="NG"
    )
    watcher, watcher_token = c.join_with_token(display_name="", stakeholder_group="other")
    clients = {
        "watcher": socket_client(watcher_token),
        "present": socket_client(c.moderator_token, view="present"),
        "chair": socket_client(folake.token),
        "asker": socket_client(asker_token),
        "speaker": socket_client(speaker_token),
        "rapporteur": socket_client(ngozi.token),
    }
    for client in clients.values():
        assert client.emit("sync", {}, callback=True)["ok"]
    return {"core": core, "c": c, "clients": clients, "watcher": watcher}


def act(world: dict[str, Any]) -> None:
    """An item runs; a named question is asked, pinned and answered; a speaker has the
    floor, overruns nothing, ends; the rapporteur writes notes; the screen changes."""
    clients, c = world["clients"], world["c"]
    chair = clients["chair"]

    def ok(client: Any, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        ack = client.emit(name, payload, callback=True)
        assert ack["ok"], (name, ack)
        return ack

    item = c.item_ids()[0]
    ok(chair, "start_item", {"item_id": item})
    question = ok(clients["asker"], "ask_question", {"text": "Who keeps the data?"})
    question_id = question["question"]["id"]
    ok(chair, "pin_question", {"question_id": question_id})
    ok(chair, "answer_question", {"question_id": question_id, "answer": "The courts."})
    ok(clients["speaker"], "raise_hand", {"topic": "Cross-border evidence"})
    ok(chair, "give_floor", {})
    ok(chair, "show_on_screen", {"subject": "floor"})
    ok(chair, "extend_turn", {"seconds": 60})
    ok(chair, "end_turn", {})
    ok(clients["rapporteur"], "save_note", {"item_id": item, "text": "Data kept.", "revision": 1})
    ok(clients["rapporteur"], "save_note", {"item_id": None, "text": "General.", "revision": 1})
    ok(chair, "next_item", {})


def public_reads(world: dict[str, Any]) -> dict[str, str]:
    """Everything the watcher and the present view were sent, then their snapshots and
    their replays from the start, as text."""
    reads = {}
    for who in ("watcher", "present"):
        client = world["clients"][who]
        received = client.get_received()
        received.append({"args": [client.emit("sync", {}, callback=True)]})
        received.append({"args": [client.emit("sync", {"since": 0}, callback=True)]})
        reads[who] = json.dumps(received, ensure_ascii=False)
    return reads


def test_under_the_rule_no_public_page_event_or_snapshot_names_anyone(app, socket_client):
    world = sessions(app, socket_client, chatham=True)
    act(world)
    for who, text in public_reads(world).items():
        assert named_in(text) == [], who
        assert '"chatham_house": true' in text
    # The asker's and the speaker's own pages read no name either, their own included.
    for who in ("asker", "speaker"):
        own = world["clients"][who].emit("sync", {}, callback=True)["snapshot"]
        assert named_in(json.dumps(own, ensure_ascii=False)) == [], who
    # The moderators' console reads every name.
    chair_events = envelopes(world["clients"]["chair"].get_received())
    assert set(named_in(json.dumps(chair_events, ensure_ascii=False))) == set(NAMES)


def test_without_the_rule_the_same_consultation_names_its_asker_and_speaker(app, socket_client):
    world = sessions(app, socket_client, chatham=False)
    act(world)
    for who, text in public_reads(world).items():
        assert {ASKER, SPEAKER} <= set(named_in(text)), who


def test_staff_snapshots_keep_every_name_under_the_rule(app, socket_client):
    world = sessions(app, socket_client, chatham=True)
    act(world)
    core, c = world["core"], world["c"]
    staff = json.dumps(snapshot(core, c.moderator), ensure_ascii=False)
    assert {ASKER, SPEAKER, NOTE_AUTHOR} <= set(named_in(staff))
    watcher: Viewer = world["watcher"]
    assert named_in(json.dumps(snapshot(core, watcher), ensure_ascii=False)) == []
    assert named_in(json.dumps(catch_up(core, watcher, 0), ensure_ascii=False)) == []


def test_the_shareable_downloads_name_nobody_and_the_full_record_is_marked(app, socket_client):
    world = sessions(app, socket_client, chatham=True)
    act(world)
    core, cid = world["core"], world["c"].id
    shareable = {
        "markdown": download(core, cid, "markdown", "shareable").decode(),
        "docx": docx_text(download(core, cid, "docx", "shareable")),
        "csv": zip_text(download(core, cid, "csv", "shareable")),
    }
    for fmt, text in shareable.items():
        assert named_in(text) == [], fmt
        assert "Chatham House rule" in text, fmt
        assert STAFF_ONLY not in text, fmt
    assert "A participant" in shareable["markdown"]  # the speaker, by a neutral label
    full = {
        "markdown": download(core, cid, "markdown", "full").decode(),
        "docx": docx_text(download(core, cid, "docx", "full")),
        "csv": zip_text(download(core, cid, "csv", "full")),
    }
    for fmt, text in full.items():
        assert set(named_in(text)) == set(NAMES), fmt
        assert STAFF_ONLY in text, fmt
    assert full["markdown"].startswith(f"# {STAFF_ONLY}")
    files = zipfile.ZipFile(io.BytesIO(download(core, cid, "csv", "full"))).namelist()
    assert files[0] == CHATHAM_FILE


def test_the_pages_say_the_rule_and_name_nobody(app, socket_client):
    world = sessions(app, socket_client, chatham=True)
    act(world)
    c = world["c"]
    join = app.test_client().get(f"/j/{c.join_code}").text
    assert "Chatham House rule" in join
    browser = app.test_client()
    _, token = c.join_with_token(display_name="Late Comer")
    browser.set_cookie(f"bz_{c.join_code}", token)
    for path in (f"/c/{c.join_code}", f"/c/{c.join_code}/present"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert named_in(page.text) == [] and "data-chatham-notice" in page.text, path
    without = new_consultation(world["core"])
    assert "Chatham House rule" not in app.test_client().get(f"/j/{without.join_code}").text


def test_a_moderator_switches_the_rule_live_and_the_log_says_who(app, socket_client):
    world = sessions(app, socket_client, chatham=False)
    act(world)
    clients, core, c = world["clients"], world["core"], world["c"]
    public_reads(world)
    ack = clients["chair"].emit("set_chatham_house", {"on": True}, callback=True)
    assert ack == {"ok": True, "chatham_house": True}
    (switched,) = envelopes(clients["watcher"].get_received())
    assert switched["type"] == "chatham_house_set" and switched["data"] == {"on": True}
    # What was said before the switch is replayed without names too.
    for who, text in public_reads(world).items():
        assert named_in(text) == [], who
    again = clients["chair"].emit("set_chatham_house", {"on": True}, callback=True)
    assert again["ok"] and envelopes(clients["watcher"].get_received()) == []
    assert clients["chair"].emit("set_chatham_house", {"on": False}, callback=True)["ok"]
    assert {ASKER, SPEAKER} <= set(named_in(public_reads(world)["watcher"]))
    timeline = download(core, c.id, "csv", "full")
    rows = zipfile.ZipFile(io.BytesIO(timeline)).read("timeline.csv").decode("utf-8-sig")
    switches = [line for line in rows.splitlines() if ",chatham_house_set," in line]
    assert len(switches) == 2 and all(MODERATOR in line for line in switches)


def test_the_switch_takes_a_boolean_from_moderators_only(app, socket_client):
    world = sessions(app, socket_client, chatham=False)
    clients = world["clients"]
    for bad in ("yes", 1, None, {"on": True}):
        ack = clients["chair"].emit("set_chatham_house", {"on": bad}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_chatham_house", bad
    for who in ("watcher", "rapporteur"):
        ack = clients[who].emit("set_chatham_house", {"on": True}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", who


def test_the_setting_is_validated_when_a_consultation_is_created(app, app_consultation):
    with pytest.raises(DomainError) as refused:
        parse_spec({**DEMO_SPEC, "settings": {"chatham_house": "true"}})
    assert refused.value.code == "invalid_chatham_house"
    assert parse_spec({**DEMO_SPEC, "settings": {"chatham_house": True}}).settings == {
        "chatham_house": True
    }
    body = {**DEMO_SPEC, "settings": {"chatham_house": 1}}
    moderator = {"Authorization": f"Bearer {app_consultation.moderator_token}"}
    response = app.test_client().post("/api/consultations", json=body, headers=moderator)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_chatham_house"


def test_the_rule_is_documented():
    docs = Path(__file__).resolve().parents[2] / "docs"
    api = (docs / "api.md").read_text()
    openapi = (docs / "openapi.yaml").read_text()
    for word in ("set_chatham_house", "chatham_house_set", "invalid_chatham_house"):
        assert word in api, word
    assert "chatham_house" in openapi and "invalid_chatham_house" in openapi


def test_the_new_consultation_form_puts_a_sister_session_under_the_rule(app, app_consultation):
    from tests.web.test_pages import _moderator_browser

    client = _moderator_browser(app, app_consultation)
    path = f"/c/{app_consultation.join_code}/new"
    assert 'name="chatham_house"' in client.get(path).text
    codes = []
    for name, ticked in (("asia", {"chatham_house": "on"}), ("americas", {})):
        created = client.post(path, data=form_data(client, path, short_name=name, **ticked))
        codes.append(created.text.split("/j/")[1][:6])
    read = [app.test_client().get(f"/api/consultations/{code}").json for code in codes]
    assert [info["consultation"]["chatham_house"] for info in read] == [True, False]


def test_the_latest_events_sent_again_after_lost_messages_name_nobody(app, socket_client):
    from server.core.events import ATTENDEE
    from server.features.presence import service as presence

    world = sessions(app, socket_client, chatham=True)
    act(world)
    clients = world["clients"]
    assert clients["speaker"].emit("raise_hand", {}, callback=True)["ok"]
    assert clients["chair"].emit("give_floor", {}, callback=True)["ok"]  # the latest, named
    _, latest = presence.latest_events_of_attended(world["core"])
    wiring = world["core"].wiring
    sent = [event.envelope(ATTENDEE, wiring) for event in latest if event.visibility == "public"]
    assert sent and named_in(json.dumps(sent, ensure_ascii=False)) == []
