"""`/healthz` says whether the worker's event loop turns; `/readyz` whether it can serve.

Faults of a real database and Redis are in tests/cluster/test_probes.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.realtime.loop_watch import BEAT_SECONDS, STALE_SECONDS, LoopWatch
from server.storage.migrate import head_revision, upgrade
from tests.conftest import app_for, new_postgres_database


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_ready_worker_lists_each_check_as_ok(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {
        "ok": True,
        "checks": {"database": {"status": "ok"}, "migrations": {"status": "ok"}},
        "failed": [],
    }
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the test's own, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'behind.sqlite3'}"
        return
    with new_postgres_database("baraza_behind") as url:
        yield url


def test_a_database_one_migration_behind_is_not_ready(empty_database_url: str, tmp_path: Path):
    url = empty_database_url
    upgrade(url, "0008")
    response = app_for(url, tmp_path).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["migrations"]
    assert response.json["checks"]["database"] == {"status": "ok"}
    assert response.json["checks"]["migrations"] == {
        "status": "failed",
        "detail": f"at 0008; this code needs {head_revision()}",
    }


def test_a_live_event_loop_answers_healthz(app):
    clock = Clock()
    app.extensions["baraza_loop"] = watch = LoopWatch(clock)
    watch.beat()
    clock.now += STALE_SECONDS
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"ok": True, "checks": {"event_loop": {"status": "ok"}}, "failed": []}


def test_an_event_loop_silent_too_long_fails_healthz(app):
    clock = Clock()
    app.extensions["baraza_loop"] = watch = LoopWatch(clock)
    watch.beat()
    clock.now += STALE_SECONDS + 2
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["failed"] == ["event_loop"]
    assert response.json["checks"]["event_loop"]["detail"] == "the event loop last turned 12 s ago"


def test_a_beat_tells_how_late_the_loop_woke_it():
    clock = Clock()
    watch = LoopWatch(clock)
    assert watch.beat() == 0.0
    clock.now += BEAT_SECONDS + 0.25
    assert watch.beat() == 0.25
    clock.now += BEAT_SECONDS
    assert watch.beat() == 0.0
