"""Flask-SocketIO handles every Socket.IO event in a request context made from the
connection's handshake. Its URL (/socket.io/) is one no route serves, so routing it
is work for nothing on every event, and left an error in a reference cycle."""

from typing import Any

import pytest
from werkzeug.routing import MapAdapter


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
