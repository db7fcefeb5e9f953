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

from tests.cluster.conftest import PUBLIC_URL
from tests.cluster.faults import relayed
from tests.cluster.follower import refusal

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# DATABASE_TIMEOUT is 5 s: a statement's wait plus, at worst, a new connection's.
A_FEW_SECONDS = 10


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_a_hanging_database_gets_quick_refusals_and_recovers_by_itself(start_cluster, pg_url):
    relay, through_relay = relayed(pg_url, 5432)
    cluster = start_cluster(workers=1, database_url=through_relay)
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
    told, waited = timed(lambda: refusal(url, c.moderator_token, origin=PUBLIC_URL))
    assert told["data"]["code"] == "try_again"
    assert waited < A_FEW_SECONDS

    relay.resume()
    assert moderator.call_until_answered("next_item", payload) == {"ok": True}
    assert requests.get(f"{url}/api/health", timeout=30).json() == {"ok": True}
    assert cluster.workers[0].process.poll() is None
    relay.cut()
