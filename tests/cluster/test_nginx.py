"""`make cluster`: deploy/cluster.sh runs workers behind nginx with deploy/nginx.conf."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from server.services.core import Core
from server.storage.store import Store
from tests.cluster.conftest import SHARED_REDIS
from tests.conftest import new_consultation
from tests.realtime.servers import ROOT, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


def launch(database_url: str, instance: Path, port: int, workers: list[int]) -> subprocess.Popen:
    """Run `make cluster`'s script and wait until it says the cluster is up."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": SHARED_REDIS,
        "REDIS_PREFIX": f"baraza-nginx-{uuid.uuid4().hex[:8]}",
        "PORT": str(port),
        "WORKER_PORTS": " ".join(map(str, workers)),
        "BARAZA_INSTANCE": str(instance),
    }
    output = instance / "cluster.out"
    with output.open("w") as log:
        process = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "cluster.sh")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while "Baraza cluster:" not in output.read_text():
        assert process.poll() is None, output.read_text()
        assert time.monotonic() < deadline, output.read_text()
        time.sleep(0.3)
    return process


@pytest.fixture(scope="module")
def cluster(pg_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("make-cluster")
    port, workers = free_port(), [free_port(), free_port()]
    process = launch(pg_url, instance, port, workers)
    yield f"http://127.0.0.1:{port}", workers, instance / "run", process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def consultation(pg_url):
    store = Store(pg_url)
    yield new_consultation(Core(store))
    store.dispose()


def join(url: str, code: str) -> str:
    return requests.post(f"{url}/api/consultations/{code}/join", json={}, timeout=10).json()[
        "token"
    ]


def test_long_polling_and_websockets_both_work_through_nginx(cluster, consultation):
    url, _, _, _ = cluster
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
    url, workers, run, _ = cluster
    token = join(url, consultation.join_code)
    for n in range(12):
        browser = requests.Session()  # like a browser, the same User-Agent on every request
        browser.headers["User-Agent"] = f"Browser/{n}"
        client = socketio.Client(reconnection=False, http_session=browser)
        client.connect(url, auth={"token": token}, transports=["polling"], wait_timeout=10)
        assert client.call("sync", {}, timeout=10)["ok"] is True
        client.disconnect()
        browser.close()
    log = (run / "access.log").read_text()
    assert all(f"127.0.0.1:{port}" in log for port in workers)


def test_the_access_log_keeps_no_link_and_no_token(cluster, consultation):
    url, _, run, _ = cluster
    assert requests.get(f"{url}/m/{consultation.moderator_link}", timeout=10).ok
    requests.get(f"{url}/api/snapshot?token={consultation.moderator_token}", timeout=10)
    time.sleep(0.5)
    log = (run / "access.log").read_text()
    assert '"GET /m/<link>"' in log
    assert consultation.moderator_link not in log and consultation.moderator_token not in log


def test_stopping_the_launcher_stops_every_part(pg_url, tmp_path):
    port, worker = free_port(), free_port()
    process = launch(pg_url, tmp_path, port, [worker])
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)
    for stopped in (port, worker):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{stopped}/api/health", timeout=2)
