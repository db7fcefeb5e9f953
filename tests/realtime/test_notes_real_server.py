"""The largest note a browser can send fits in one Socket.IO message of a real server."""

from __future__ import annotations

import json
import types

import pytest
import requests
import socketio

from server.features.notes.rules import MAX_NOTE_BYTES
from tests.realtime.servers import start_server

pytestmark = pytest.mark.slow

# Browsers send JSON.stringify's output: non-ASCII as UTF-8, not as \\u escapes.
BROWSER_JSON = types.SimpleNamespace(
    dumps=lambda data, **kw: json.dumps(data, ensure_ascii=False, **kw), loads=json.loads
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    running = start_server(tmp_path_factory.mktemp("notes-server"))
    yield running
    running.stop()


def test_a_full_note_is_saved_and_one_over_is_refused_without_a_disconnect(server):
    token = requests.post(
        f"{server.url}/api/links/claim", json={"link": server.links["rapporteur"]}
    ).json()["token"]
    client = socketio.Client(reconnection=False, json=BROWSER_JSON)
    client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    try:
        for revision, letter in enumerate(["ع", '"', "😀"], start=1):
            size = len(json.dumps(letter, ensure_ascii=False).encode()) - 2
            full = letter * ((MAX_NOTE_BYTES - 2) // size)
            payload = {"item_id": None, "text": full, "revision": 2**53 - 10 + revision}
            assert client.call("save_note", payload, timeout=10)["ok"] is True
        over = {"item_id": None, "text": '"' * (MAX_NOTE_BYTES // 2), "revision": 2**53 - 1}
        refused = client.call("save_note", over, timeout=10)
        assert refused["error"]["code"] == "note_too_long"
        assert client.connected
    finally:
        client.disconnect()
