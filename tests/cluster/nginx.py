"""nginx for tests: `make cluster` itself (deploy/cluster.sh), or nginx alone in front of
whatever the test listens with, on deploy/nginx.conf as deploy/nginx-conf.sh renders it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
import sqlalchemy as sa

from tests.cluster.conftest import SHARED_REDIS
from tests.conftest import PG_SERVER
from tests.realtime.servers import ROOT, free_port, printed_links


@dataclass
class MakeCluster:
    """A running `make cluster`: nginx's address, the workers' ports, the demo's links."""

    url: str
    workers: list[int]
    run: Path
    process: subprocess.Popen[bytes]
    database_url: str
    redis_prefix: str
    links: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop every part, as Ctrl-C does, and forget the run's keys in the shared Redis."""
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)
        client = redis.Redis.from_url(SHARED_REDIS)
        keys = list(client.scan_iter(f"{self.redis_prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def launch(database_url: str, instance: Path, workers: int = 2, **settings: str) -> MakeCluster:
    """Run `make cluster`'s script and wait until it says the cluster is up."""
    port, ports = free_port(), [free_port() for _ in range(workers)]
    prefix = f"baraza-nginx-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": SHARED_REDIS,
        "REDIS_PREFIX": prefix,
        "PORT": str(port),
        "WORKER_PORTS": " ".join(map(str, ports)),
        "BARAZA_INSTANCE": str(instance),
        **settings,
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
    url = f"http://127.0.0.1:{port}"
    cluster = MakeCluster(url, ports, instance / "run", process, database_url, prefix)
    cluster.links.update(printed_links(output.read_text(), url))
    return cluster


def render(run: Path, port: int, workers: list[int]) -> str:
    """deploy/nginx.conf for this run, exactly as `make cluster` renders it."""
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / "nginx-conf.sh"), str(run), str(port)]
        + [" ".join(map(str, workers))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_nginx(
    run: Path, workers: list[int], adjust: Callable[[str], str] = lambda config: config
) -> Nginx:
    """nginx alone on the rendered config (changed by `adjust`), in front of `workers`."""
    (run / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = run / "nginx.conf"
    config.write_text(adjust(render(run, port, workers)))
    as_root = "user root;" if os.getuid() == 0 else ""
    errors = run / "nginx.error.log"
    process = subprocess.Popen(
        ["nginx", "-p", str(run), "-c", str(config), "-e", str(errors)]
        + ["-g", f"daemon off; pid {run}/nginx.pid; {as_root}"],
    )
    deadline = time.monotonic() + 10
    while True:  # listening: a request would reach the test's worker before the test does
        assert process.poll() is None, errors.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Nginx(f"http://127.0.0.1:{port}", process)
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"


def user_agents_by_worker(cluster: MakeCluster, each: int) -> dict[int, list[str]]:
    """`each` browser User-Agents per worker port, found by asking nginx where it sends them.

    nginx hashes address and User-Agent; the access log names the worker that answered.
    """
    log = cluster.run / "access.log"
    found: dict[int, list[str]] = {port: [] for port in cluster.workers}
    for n in range(200):
        if all(len(agents) >= each for agents in found.values()):
            return found
        agent = f"{BROWSER} Rehearsal/{n}"
        lines = len(log.read_text().splitlines())
        response = requests.get(
            f"{cluster.url}/api/health", headers={"User-Agent": agent}, timeout=10
        )
        assert response.ok, response.text
        while len(logged := log.read_text().splitlines()) == lines:
            time.sleep(0.01)  # nginx logs a request just after answering it
        found[int(logged[-1].rsplit(":", 1)[1])].append(agent)
    raise AssertionError(f"nginx sent 200 browsers to the same worker: {found}")


@contextmanager
def make_cluster_on_a_new_database(instance: Path, **settings: str) -> Iterator[MakeCluster]:
    """`make cluster` as a newcomer runs it: its script creates the database and seeds the demo."""
    name = f"baraza_cluster_{uuid.uuid4().hex[:10]}"
    try:
        cluster = launch(PG_SERVER.rsplit("/", 1)[0] + f"/{name}", instance, **settings)
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
