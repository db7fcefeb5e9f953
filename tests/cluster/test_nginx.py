"""`make cluster`: deploy/cluster.sh runs workers behind nginx with deploy/nginx.conf."""

from __future__ import annotations

import shutil
import signal
import threading
import time

import pytest
import requests
import socketio

from server.core.runtime import Core
from server.core.store import Store
from tests.cluster.nginx import launch
from tests.conftest import WIRING, new_consultation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


@pytest.fixture(scope="module")
def cluster(pg_url, tmp_path_factory):
    running = launch(pg_url, tmp_path_factory.mktemp("make-cluster"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def consultation(pg_url):
    store = Store(pg_url)
    yield new_consultation(Core(store, wiring=WIRING))
    store.dispose()


def join(url: str, code: str) -> str:
    return requests.post(f"{url}/api/consultations/{code}/join", json={}, timeout=10).json()[
        "token"
    ]


def test_long_polling_and_websockets_both_work_through_nginx(cluster, consultation):
    url = cluster.url
    moderator = socketio.Client(reconnection=False)
    moderator.connect(
        url,
        auth={"token": consultation.moderator_token},
        transports=["websocket"],
        wait_timeout=10,
    )
    # Long-polling makes one request per message: each must reach the same worker.
    attendee = socketio.Client(reconnection=False)
    started = threading.Event()
    attendee.on(
        "events", lambda sent: any(e["type"] == "item_started" for e in sent) and started.set()
    )
    attendee.connect(
        url,
        auth={"token": join(url, consultation.join_code)},
        transports=["polling"],
        wait_timeout=10,
    )
    try:
        for _ in range(10):
            assert attendee.call("sync", {}, timeout=10)["ok"] is True
        assert moderator.call("next_item", {}, timeout=10) == {"ok": True}
        assert started.wait(10)
    finally:
        attendee.disconnect()
        moderator.disconnect()


def test_browsers_are_spread_over_the_workers(cluster, consultation):
    url = cluster.url
    token = join(url, consultation.join_code)
    for n in range(12):
        browser = requests.Session()  # like a browser, the same User-Agent on every request
        browser.headers["User-Agent"] = f"Browser/{n}"
        client = socketio.Client(reconnection=False, http_session=browser)
        client.connect(url, auth={"token": token}, transports=["polling"], wait_timeout=10)
        assert client.call("sync", {}, timeout=10)["ok"] is True
        client.disconnect()
        browser.close()
    log = (cluster.run / "access.log").read_text()
    assert all(f"127.0.0.1:{port}" in log for port in cluster.workers)


def test_the_access_log_keeps_no_link_and_no_token(cluster, consultation):
    url = cluster.url
    assert requests.get(f"{url}/m/{consultation.moderator_link}", timeout=10).ok
    requests.get(f"{url}/api/snapshot?token={consultation.moderator_token}", timeout=10)
    time.sleep(0.5)
    log = (cluster.run / "access.log").read_text()
    assert '"GET /m/<link>"' in log
    assert consultation.moderator_link not in log and consultation.moderator_token not in log


def test_readiness_is_answered_by_each_worker_and_through_nginx(cluster):
    worker_urls = [f"http://127.0.0.1:{port}" for port in cluster.workers]
    for url in [*worker_urls, cluster.url]:
        ready = requests.get(f"{url}/readyz", timeout=10)
        assert ready.status_code == 200, url
        assert set(ready.json()["checks"]) == {"database", "migrations", "redis"}
    assert all(requests.get(f"{url}/healthz", timeout=10).ok for url in worker_urls)


def test_metrics_are_not_served_through_nginx(cluster):
    assert requests.get(f"{cluster.url}/metrics", timeout=10).status_code == 404


def test_nginx_and_the_workers_answer_errors_alike(cluster, consultation):
    """nginx's own refusal (too large) and a worker's (unknown code): the same JSON shape."""
    join = f"{cluster.url}/api/consultations/{consultation.join_code}/join"
    too_large = requests.post(join, data=b" " * 1_100_000, timeout=10)
    unknown = requests.post(f"{cluster.url}/api/consultations/NOSUCH/join", json={}, timeout=10)
    assert too_large.status_code == 413 and unknown.status_code == 404
    for response in (too_large, unknown):
        assert response.headers["Content-Type"] == "application/json"
        assert set(response.json()) == {"ok", "error"}
    assert too_large.json()["error"]["code"] == "request_entity_too_large"


def test_stopping_the_launcher_stops_every_part(pg_url, tmp_path):
    running = launch(pg_url, tmp_path, workers=1)
    running.process.send_signal(signal.SIGINT)
    running.process.wait(timeout=20)
    for stopped in [running.url, *(f"http://127.0.0.1:{port}" for port in running.workers)]:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{stopped}/api/health", timeout=2)
