"""A stopping worker refuses new commands with `try_again`, leaving nothing to repeat."""

from __future__ import annotations

import pytest

from server.core import inflight


@pytest.fixture
def stopping():
    inflight.state.stopping = True
    yield
    inflight.state.stopping = False


def test_a_command_sent_to_a_stopping_worker_is_refused_and_runs_later_once(
    app_consultation, socket_client, stopping
):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    payload = {"title": "Q&A", "minutes": 5, "command_id": "restart-0000000000001"}
    refused = moderator.emit("add_item", payload, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "try_again"
    assert inflight.state.running == 0
    inflight.state.stopping = False  # the same command, sent again to a live worker
    assert moderator.emit("add_item", payload, callback=True) == {"ok": True}
    titles = [
        item["title"]
        for item in moderator.emit("sync", {}, callback=True)["snapshot"]["agenda"]["items"]
    ]
    assert titles.count("Q&A") == 1
