"""A real worker's probes follow its database and its Redis as they fail and come back.

Readiness names what failed within seconds and recovers by itself; liveness
asks neither, so a hung database never gets a live worker restarted.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.cluster.conftest import SHARED_REDIS
from tests.cluster.faults import relayed

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# DATABASE_TIMEOUT is 5 s (a statement's wait plus, at worst, a new connection's).
A_FEW_SECONDS = 10


def probe(url: str) -> requests.Response:
    return requests.get(url, timeout=30)


def answer_until(url: str, condition, timeout: float = 30) -> requests.Response:
    """Probe `url` until `condition(response)` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition(response := probe(url)):
        assert time.monotonic() < deadline, f"{url} still answers {response.json()}"
        time.sleep(0.2)  # a polling interval, not a synchronisation
    return response


def is_ready(response: requests.Response) -> bool:
    return response.status_code == 200


def test_readiness_names_a_hanging_database_and_liveness_does_not(start_cluster, pg_url):
    relay, through_relay = relayed(pg_url, 5432)
    url = start_cluster(workers=1, database_url=through_relay).urls[0]
    assert probe(f"{url}/readyz").json()["checks"] == {
        "database": {"status": "ok"},
        "migrations": {"status": "ok"},
        "redis": {"status": "ok"},
    }

    relay.hang()
    started = time.monotonic()
    not_ready = probe(f"{url}/readyz")
    assert time.monotonic() - started < A_FEW_SECONDS
    assert not_ready.status_code == 503
    assert not_ready.json()["failed"] == ["database"]
    assert not_ready.json()["checks"]["redis"] == {"status": "ok"}
    alive = probe(f"{url}/healthz")
    assert alive.status_code == 200 and alive.json()["ok"] is True

    relay.resume()
    assert answer_until(f"{url}/readyz", is_ready).json()["failed"] == []
    relay.cut()


def test_readiness_names_a_cut_redis_until_it_is_back(start_cluster):
    relay, through_relay = relayed(SHARED_REDIS, 6379)
    url = start_cluster(workers=1, redis_url=through_relay).urls[0]
    assert is_ready(probe(f"{url}/readyz"))

    relay.cut()
    not_ready = probe(f"{url}/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json()["failed"] == ["redis"]
    assert probe(f"{url}/healthz").status_code == 200

    relay.restore()
    assert answer_until(f"{url}/readyz", is_ready).json()["failed"] == []
    relay.cut()
