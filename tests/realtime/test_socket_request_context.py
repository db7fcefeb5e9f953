"""Flask-SocketIO handles every Socket.IO event in a request context made from the
connection's handshake. Its URL (/socket.io/) is one no route serves, so routing it
is work for nothing on every event, and left an error in a reference cycle; and
each connection keeps a session of its own, so opening the browser's signed cookie
session was work for nothing too. A command needs no request context at all: the core
is free of the web; only the language its error is said in comes from the handshake."""

from typing import Any
from unittest.mock import ANY

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import MapAdapter

from tests.conftest import form_data


@pytest.fixture
def url_matches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths Werkzeug's router matches from now on (the real router, counted)."""
    matched: list[str] = []
    match = MapAdapter.match

    def counted(adapter: MapAdapter, *args: Any, **kwargs: Any) -> Any:
        matched.append(adapter.path_info)
        return match(adapter, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counted)
    return matched


def test_socket_events_are_not_routed(socket_client, app_consultation, url_matches):
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token)
    seq = client.emit("sync", {}, callback=True)["snapshot"]["seq"]
    for _ in range(5):
        assert client.emit("sync", {"since": seq}, callback=True)["ok"] is True
    assert client.emit("ask_question", {"text": "Who keeps the evidence?"}, callback=True)["ok"]

    assert url_matches == []


def test_pages_and_the_api_are_still_routed(app, app_consultation, url_matches):
    address = f"/api/consultations/{app_consultation.join_code}"
    assert app.test_client().get(address).status_code == 200

    assert url_matches == [address]


@pytest.fixture
def cookie_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each signed cookie session Flask reads from now on (the real one, counted)."""
    reads: list[str] = []
    loads = URLSafeTimedSerializer.loads

    def counted(serializer: URLSafeTimedSerializer, *args: Any, **kwargs: Any) -> Any:
        reads.append("session")
        return loads(serializer, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    return reads


def browser_on_the_join_page(app, consultation):
    """A browser that opened the join page: its cookie session holds the form token,
    and it sends it with everything, the Socket.IO handshake included."""
    browser = app.test_client()
    form_data(browser, f"/j/{consultation.join_code}")
    assert browser.get_cookie("session") is not None
    return browser


def test_socket_events_do_not_read_the_browsers_cookie_session(
    app, socket_client, app_consultation, cookie_reads
):
    browser = browser_on_the_join_page(app, app_consultation)
    _, token = app_consultation.join_with_token(display_name="Awa")
    cookie_reads.clear()

    client = socket_client(token, browser=browser, sync=True)
    assert client.emit("ask_question", {"text": "Who keeps the evidence?"}, callback=True)["ok"]

    assert cookie_reads == []


def test_pages_still_read_it(app, app_consultation, cookie_reads):
    browser = browser_on_the_join_page(app, app_consultation)
    cookie_reads.clear()

    assert browser.get(f"/j/{app_consultation.join_code}").status_code == 200

    assert cookie_reads == ["session"]


@pytest.fixture
def request_contexts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of each request context Flask makes from now on (the real one, counted)."""
    made: list[str] = []
    request_context = Flask.request_context

    def counted(app: Flask, environ: dict[str, Any]) -> Any:
        made.append(environ["PATH_INFO"])
        return request_context(app, environ)

    monkeypatch.setattr(Flask, "request_context", counted)
    return made


def test_a_command_runs_without_a_request_context(
    socket_client, app_consultation, request_contexts
):
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token, sync=True)
    request_contexts.clear()

    asked = client.emit("ask_question", {"text": "Who keeps the evidence?"}, callback=True)
    assert asked["ok"] is True
    assert client.emit("question_counts", {}, callback=True)["ok"] is True

    assert request_contexts == []


def test_sync_runs_without_a_request_context_too(socket_client, app_consultation, request_contexts):
    """Every client that does not ask with its connection (`auth.sync`) sends it once."""
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token)
    request_contexts.clear()

    seq = client.emit("sync", {}, callback=True)["snapshot"]["seq"]
    assert client.emit("sync", {"since": seq}, callback=True) == {
        "ok": True,
        "seq": seq,
        "server_time": ANY,
        "events": [],
    }

    assert request_contexts == []


def test_a_sync_refused_says_why_in_the_connections_language(
    socket_client, app_consultation, request_contexts
):
    _, token = app_consultation.join_with_token(display_name="Awa")
    client = socket_client(token, headers={"Accept-Language": "fr"})
    request_contexts.clear()

    refused = client.emit("sync", ["not", "an", "object"], callback=True)

    assert refused["error"]["code"] == "invalid_payload"
    assert refused["error"]["message"] == "Le contenu d’une commande doit être un objet."
    assert request_contexts == ["/socket.io"]


def test_a_refused_command_opens_one_to_say_why_in_the_connections_language(
    socket_client, app_consultation, request_contexts
):
    _, token = app_consultation.join_with_token(display_name="Awa")
    client = socket_client(token, headers={"Accept-Language": "fr"}, sync=True)
    request_contexts.clear()

    refused = client.emit("ask_question", {"text": ""}, callback=True)

    assert refused["error"]["code"] == "empty_question"
    assert refused["error"]["message"] == "La question ne doit pas être vide."
    assert request_contexts == ["/socket.io"]
