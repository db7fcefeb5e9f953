"""Everything Baraza sends over Socket.IO is JSON: no message is looked through for bytes.

python-socketio's packets look through all of a message's data for bytes, to send them
as binary attachments: for a snapshot of 50 questions that took twice the time of its
JSON (docs/performance.md, step 45), on every acknowledgement and every emit. A client's
binary message is still read, and its bytes refused as any payload that is no object.
"""

from __future__ import annotations

from typing import Any

import pytest
from socketio.packet import Packet


@pytest.fixture
def looked_through(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The data of each message looked through for bytes from now on (the library's own
    look, counted once a message, not for each part of it; a packet being decoded has
    no data yet)."""
    seen: list[Any] = []
    look = Packet.data_is_binary.__func__  # type: ignore[attr-defined]
    depth = [0]

    def counted(cls: type[Packet], data: Any) -> bool:
        if depth[0] == 0 and data is not None:
            seen.append(data)
        depth[0] += 1
        try:
            return bool(look(cls, data))
        finally:
            depth[0] -= 1

    monkeypatch.setattr(Packet, "data_is_binary", classmethod(counted))
    return seen


def test_only_the_clients_own_messages_are_looked_through_for_bytes(
    socket_client, app_consultation, looked_through
):
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token, sync=True)
    looked_through.clear()

    assert client.emit("sync", {}, callback=True)["snapshot"]
    asked = client.emit("ask_question", {"text": "Who keeps the evidence?"}, callback=True)
    assert asked["ok"] is True

    # The test client's own packets are python-socketio's: those two are its.
    assert looked_through == [
        ["sync", {}],
        ["ask_question", {"text": "Who keeps the evidence?"}],
    ]


def test_a_binary_payload_is_refused_as_a_payload_that_is_no_object(
    socket_client, app_consultation
):
    _, token = app_consultation.join_with_token(display_name="Awa")
    client = socket_client(token, sync=True)

    refused = client.emit("ask_question", b"\x00\x01binary", callback=True)

    assert refused["ok"] is False
    assert refused["error"]["code"] == "invalid_payload"
