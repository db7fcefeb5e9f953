"""A real worker counts what it does on /metrics, and the dashboard queries only what exists.

One eventlet server on SQLite, with Redis: an attendee joins and connects, asks
a question; its metrics then show the join, the command, the presence push,
the connection, the messages sent and their publishing through Redis, each
with the worker's label.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
import socketio
from prometheus_client.parser import text_string_to_metric_families

from tests.cluster.conftest import SHARED_REDIS
from tests.realtime.servers import ROOT, start_server

pytestmark = [pytest.mark.slow, pytest.mark.redis]

TOKEN = "scrape-secret-0123456789"
DASHBOARD = ROOT / "deploy" / "grafana-dashboard.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    prefix = f"baraza-metrics-{uuid.uuid4().hex[:10]}"
    running = start_server(
        tmp_path_factory.mktemp("metrics"),
        "eventlet",
        METRICS_TOKEN=TOKEN,
        REDIS_URL=SHARED_REDIS,
        REDIS_PREFIX=prefix,
    )
    yield running
    running.stop()
    client = redis.Redis.from_url(SHARED_REDIS)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module")
def attendee(server):
    token = requests.post(
        f"{server.url}/api/consultations/{server.links['join_code']}/join",
        json={"display_name": "Counted"},
        timeout=10,
    ).json()["token"]
    client = socketio.Client(reconnection=False)
    client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    asked = client.call("ask_question", {"text": "Is this counted?"}, timeout=10)
    assert asked["ok"], asked
    yield client
    client.disconnect()


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics by name and labels (the worker's label left out)."""
    text = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ).text
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            assert sample.labels.pop("worker")
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def scraped_once(url: str, condition, timeout: float = 15):
    """Scrape until `condition(samples)` holds (attendees' head count goes out every 5 s)."""
    deadline = time.monotonic() + timeout
    while not condition(samples := scrape(url)):
        assert time.monotonic() < deadline, "the metrics never showed it"
        time.sleep(0.2)  # a polling interval, not a synchronisation
    return samples


def pushed_presence(samples) -> bool:
    """The head count went to attendees (staff's own push reaches no one here)."""
    topic = (("topic", "presence_attendees"),)
    return samples.get(("baraza_tally_pushes_total", topic), 0) >= 1


def test_a_join_a_command_and_a_tally_push_are_counted(server, attendee):
    samples = scraped_once(server.url, pushed_presence)
    assert samples[("baraza_joins_total", ())] == 1
    asked = (("command", "ask_question"), ("outcome", "ok"))
    assert samples[("baraza_commands_total", asked)] == 1
    timed = ("baraza_command_seconds_count", (("command", "ask_question"),))
    assert samples[timed] == 1
    assert samples[("baraza_acknowledgement_seconds_count", ())] >= 1
    assert samples[("baraza_connections", (("role", "attendee"),))] == 1
    # the acknowledgement, the question's events and the presence push at least
    assert samples[("baraza_messages_sent_total", ())] >= 3
    assert samples[("baraza_sent_bytes_total", ())] > samples[("baraza_messages_sent_total", ())]
    assert samples[("baraza_database_pool_in_use", ())] >= 0
    assert samples[("baraza_redis_publish_seconds_count", ())] >= 2


def test_the_event_loop_lag_is_how_late_it_woke_not_how_long_it_slept(server):
    samples = scraped_once(
        server.url, lambda s: s[("baraza_event_loop_lag_seconds_count", ())] >= 3
    )
    beats = samples[("baraza_event_loop_lag_seconds_count", ())]
    assert samples[("baraza_event_loop_lag_seconds_sum", ())] < beats * 0.5


def dashboard_metrics(path: Path) -> set[str]:
    """The names of the metrics every PromQL expression of the dashboard reads."""
    panels = json.loads(path.read_text())["panels"]
    expressions = [target["expr"] for panel in panels for target in panel["targets"]]
    assert expressions
    return {name for expr in expressions for name in re.findall(r"\b(?:baraza|process)_\w+", expr)}


def test_every_metric_the_dashboard_queries_is_on_the_endpoint(server, attendee):
    samples = scraped_once(server.url, pushed_presence)
    exposed = {name for name, _labels in samples}
    assert dashboard_metrics(DASHBOARD) - exposed == set()
