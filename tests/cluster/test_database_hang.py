"""A database that accepts connections but never answers costs seconds, not the service.

Each command is answered `try_again` within seconds, a new connection is refused
saying so, `/api/health` names the database as down, and once the database
answers again everything works with nobody stepping in.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests
import socketio
from sqlalchemy.engine import make_url

from tests.cluster.conftest import PUBLIC_URL
from tests.cluster.faults import Relay

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# DATABASE_TIMEOUT is 5 s: a statement's wait plus, at worst, a new connection's.
A_FEW_SECONDS = 10


def refusal(url: str, token: str) -> dict:
    told: list[dict] = []
    client = socketio.Client(reconnection=False, websocket_extra_options={"origin": PUBLIC_URL})
    client.on("connect_error", told.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    return told[0]


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_a_hanging_database_gets_quick_refusals_and_recovers_by_itself(start_cluster, pg_url):
    database = make_url(pg_url)
    relay = Relay(database.host or "127.0.0.1", database.port or 5432)
    through_relay = database.set(host="127.0.0.1", port=relay.port)
    cluster = start_cluster(
        workers=1, database_url=through_relay.render_as_string(hide_password=False)
    )
    c = cluster.consultation()
    moderator = cluster.follow(0, c.moderator_token)
    assert moderator.call("start_item", {"item_id": c.item_ids()[0]}) == {"ok": True}
    url = cluster.urls[0]

    relay.hang()
    payload = {"command_id": f"hang-{uuid.uuid4().hex}"}
    refused, waited = timed(lambda: moderator.call("next_item", payload, timeout=60))
    assert refused["ok"] is False and refused["error"]["code"] == "try_again"
    assert waited < A_FEW_SECONDS
    health, waited = timed(lambda: requests.get(f"{url}/api/health", timeout=60))
    assert health.status_code == 503
    assert health.json()["failed"] == ["database"]
    assert health.json()["error"]["code"] == "try_again"
    assert waited < A_FEW_SECONDS
    told, waited = timed(lambda: refusal(url, c.moderator_token))
    assert told["data"]["code"] == "try_again"
    assert waited < A_FEW_SECONDS

    relay.resume()
    assert moderator.call_until_answered("next_item", payload) == {"ok": True}
    assert requests.get(f"{url}/api/health", timeout=30).json() == {"ok": True}
    assert cluster.workers[0].process.poll() is None
    relay.cut()
