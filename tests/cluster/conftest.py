"""A cluster for a test: real workers (`python -m server`, eventlet) on PostgreSQL and Redis.

Each cluster has its own Redis key prefix, so tests running at the same time on
the shared Redis do not hear each other; faults are made on a Redis server or a
database relay of the test's own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from server.core.models import Consultation as ConsultationRow
from server.core.runtime import Core
from server.core.store import Store
from tests.cluster.follower import Follower
from tests.conftest import WIRING, Consultation, new_consultation
from tests.realtime.servers import NO_JOIN_LIMITS, RunningServer, start_server

SHARED_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PUBLIC_URL = "http://baraza.test"


@dataclass
class Cluster:
    """Workers sharing one database and one Redis, and a way to watch them."""

    directory: Path
    env: dict[str, str]
    core: Core
    workers: list[RunningServer] = field(default_factory=list)
    followers: list[Follower] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [worker.url for worker in self.workers]

    def start_worker(self) -> RunningServer:
        name = f"worker-{len(self.workers)}"
        worker = start_server(self.directory / name, "eventlet", **self.env)
        self.workers.append(worker)
        return worker

    def consultation(self) -> Consultation:
        return new_consultation(self.core)

    def follow(self, worker: int, token: str, **options: Any) -> Follower:
        """A client connected to one worker, failing over to the others."""
        urls = self.urls[worker:] + self.urls[:worker]
        follower = Follower(urls, token, origin=PUBLIC_URL, **options)
        self.followers.append(follower)
        return follower

    def join(self, consultation: Consultation, name: str) -> str:
        response = requests.post(
            f"{self.urls[0]}/api/consultations/{consultation.join_code}/join",
            json={"display_name": name},
            timeout=10,
        )
        return response.json()["token"]

    def last_seqs(self, consultation: Consultation) -> tuple[int, int]:
        with self.core.store.reading() as tx:
            row = tx.get_one(ConsultationRow, consultation.id)
            return row.last_seq, row.last_public_seq

    def logs(self) -> str:
        return "\n".join(worker.output.read_text() for worker in self.workers)

    def stop(self) -> None:
        for follower in self.followers:
            follower.close()
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.stop()


@pytest.fixture(scope="module")
def start_cluster(
    tmp_path_factory: pytest.TempPathFactory, pg_url: str
) -> Iterator[Callable[..., Cluster]]:
    """Factory: `start_cluster(workers=2, database_url=..., redis_url=...)`."""
    clusters: list[Cluster] = []
    prefixes: list[tuple[str, str]] = []

    def start(
        workers: int = 2,
        database_url: str | None = None,
        redis_url: str = SHARED_REDIS,
        **env: str,
    ) -> Cluster:
        prefix = f"baraza-test-{uuid.uuid4().hex[:10]}"
        prefixes.append((redis_url, prefix))
        cluster = Cluster(
            directory=tmp_path_factory.mktemp("cluster"),
            env={
                "DATABASE_URL": database_url or pg_url,
                "REDIS_URL": redis_url,
                "REDIS_PREFIX": prefix,
                "PUBLIC_URL": PUBLIC_URL,
                "SECRET_KEY": "cluster-test-secret",
                **NO_JOIN_LIMITS,
                **env,
            },
            core=Core(Store(pg_url), wiring=WIRING),
        )
        clusters.append(cluster)
        # One after the other: the first migrates and seeds, the others find it done.
        for _ in range(workers):
            cluster.start_worker()
        return cluster

    yield start
    for cluster in clusters:
        cluster.stop()
        cluster.core.store.dispose()
    for url, prefix in prefixes:
        client = redis.Redis.from_url(url)
        try:
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        except redis.ConnectionError:
            pass  # a test's own Redis, already stopped
        client.close()
