"""A revoked staff link cuts off, on every worker at once, the sockets opened with it."""

from __future__ import annotations

import threading

import pytest
import requests
import socketio

from server.features.consultations import service as consultations
from tests.cluster.conftest import PUBLIC_URL
from tests.cluster.follower import refusal

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def cluster(start_cluster):
    return start_cluster(workers=2)


class Staff:
    """A python-socketio client opened with a claimed staff link, noting when it is closed."""

    def __init__(self, url: str, token: str) -> None:
        self.closed = threading.Event()
        self.client = socketio.Client(
            reconnection=False, websocket_extra_options={"origin": PUBLIC_URL}
        )
        self.client.on("disconnect", lambda *_reason: self.closed.set())
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)


def claim(url: str, link: str, name: str) -> str:
    response = requests.post(
        f"{url}/api/links/claim", json={"link": link, "display_name": name}, timeout=10
    )
    return response.json()["token"]


def test_replacing_a_link_on_one_worker_closes_its_sockets_on_the_other(cluster):
    c = cluster.consultation()
    chair = cluster.follow(0, c.moderator_token)
    deputy_token = claim(cluster.urls[1], c.moderator_link, "Deputy")
    deputy = Staff(cluster.urls[1], deputy_token)
    assert deputy.client.call("sync", {}, timeout=10)["snapshot"]["me"]["role"] == "moderator"

    ack = chair.call("replace_link", {"role": "moderator"})

    assert ack["ok"] is True
    assert deputy.closed.wait(timeout=5)
    told = refusal(cluster.urls[1], deputy_token, origin=PUBLIC_URL)
    assert told["data"]["code"] == "link_revoked"
    assert told["data"]["message"] == told["message"]
    assert chair.call("sync")["ok"] is True  # whoever replaced it stays


def test_links_revoked_from_the_command_line_close_their_sockets_too(cluster):
    c = cluster.consultation()
    scribe = Staff(cluster.urls[0], claim(cluster.urls[0], c.rapporteur_link, "Scribe"))
    assert scribe.client.call("sync", {}, timeout=10)["ok"] is True

    consultations.reissue_links(cluster.core, c.join_code)  # `flask new-links`, another process

    assert scribe.closed.wait(timeout=10)


def test_a_refused_connection_is_told_why(cluster):
    told = refusal(cluster.urls[0], "not-a-real-token-at-all-000000", origin=PUBLIC_URL)
    assert told["data"]["code"] == "invalid_token"
    assert told["data"]["message"] == told["message"] == "This link or session is not valid."
