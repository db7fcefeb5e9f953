"""Fixtures: real SQLite files, a real PostgreSQL database, real servers.

Storage-touching tests take `store`, which runs them once on SQLite and once on
PostgreSQL. Time is the only thing we control: `clock` is a settable clock the
services read, so timer rules are tested to the second.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from server import bootstrap
from server.app import create_app
from server.config import Config
from server.core.access import Viewer
from server.core.runtime import Core
from server.core.shared_views import SharedViews
from server.core.socket import socketio
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec
from server.seed import series
from server.storage.migrate import upgrade

# Every feature wired, as create_app wires its core (tests read the tables without an app).
WIRING = bootstrap.wire()

PG_SERVER = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)


class Clock(series.Clock):
    """A clock the test moves by hand, from 08:30 on the Africa consultation's day."""

    def __init__(self) -> None:
        super().__init__(datetime(2024, 1, 18, 8, 30, tzinfo=UTC))


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """An empty PostgreSQL database of its own, named `prefix_<random>`, dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    with new_postgres_database("baraza_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once for the run; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "baraza.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite file of this test's own (a copy: migrating takes longer)."""
    path = tmp_path / "baraza.sqlite3"
    source, copy = sqlite3.connect(sqlite_template), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    store = Store(url)
    yield store
    store.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def core(store: Store, clock: Clock) -> Core:
    return Core(store, clock, shared=SharedViews(check=True), wiring=WIRING)


@pytest.fixture
def sqlite_core(sqlite_url: str, clock: Clock) -> Iterator[Core]:
    """A core on a real SQLite file only: for tests that count SQLite's own work."""
    store = Store(sqlite_url)
    yield Core(store, clock, shared=SharedViews(check=True), wiring=WIRING)
    store.dispose()


@pytest.fixture
def statements(core: Core) -> Iterator[list[str]]:
    """The SQL statements `core`'s store runs from now on."""
    yield from _recording(core)


@pytest.fixture
def app_statements(app_core: Core) -> Iterator[list[str]]:
    """The SQL statements the application's store runs from now on."""
    yield from _recording(app_core)


def _recording(core: Core) -> Iterator[list[str]]:
    ran: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        ran.append(statement)

    sa.event.listen(core.store.engine, "before_cursor_execute", record)
    yield ran
    sa.event.remove(core.store.engine, "before_cursor_execute", record)


@pytest.fixture
def count_commits(core: Core) -> Callable[[], list[int]]:
    """`commits = count_commits()`: from then on, `len(commits)` is how many
    transactions `core`'s database committed (how batch tests see batching)."""

    def start() -> list[int]:
        commits: list[int] = []
        sa.event.listen(core.store.engine, "commit", lambda _connection: commits.append(1))
        return commits

    return start


DEMO_SPEC: dict[str, Any] = {
    "short_name": "africa-2024",
    "title": "Regional Cybercrime Consultations for Africa",
    "region": "Africa",
    "time_zone": "Africa/Lagos",
    "start": "2024-01-18T09:30:00",
    "agenda": [
        {"title": "Opening", "minutes": 5},
        {"title": "Regional issues", "minutes": 15},
        {"title": "Convention status", "minutes": 15},
        {"title": "Closing", "minutes": 5},
    ],
}


@dataclass
class Consultation:
    """A consultation made for a test, with a moderator and a way to add people."""

    core: Core
    id: int
    join_code: str
    moderator_link: str
    rapporteur_link: str
    moderator: Viewer
    moderator_token: str

    def join(self, **profile: Any) -> Viewer:
        return self.join_with_token(**profile)[0]

    def join_with_token(self, **profile: Any) -> tuple[Viewer, str]:
        admitted = consultations.join(self.core, self.join_code, profile)
        return admitted.viewer, admitted.token

    def rapporteur(self) -> Viewer:
        return consultations.claim_link(self.core, self.rapporteur_link, {}).viewer

    def item_ids(self) -> list[int]:
        from server.features.consultations.snapshots import snapshot

        return [item["id"] for item in snapshot(self.core, self.moderator)["agenda"]["items"]]


def wait_until(condition: Callable[[], bool], timeout: float, every: float = 0.01) -> None:
    """Look at `condition` every `every` seconds until it holds; fail after `timeout`.

    For what a real process does in its own time (a server, Redis), where no clock
    of the test's own can be moved instead.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def new_consultation(core: Core, **overrides: Any) -> Consultation:
    """Store a consultation from the demo spec and seat its moderator, "Chair"."""
    created = consultations.create(core, parse_spec({**DEMO_SPEC, **overrides}))
    admitted = consultations.claim_link(core, created.moderator_token, {"display_name": "Chair"})
    return Consultation(
        core,
        created.consultation_id,
        created.join_code,
        created.moderator_token,
        created.rapporteur_token,
        admitted.viewer,
        admitted.token,
    )


@pytest.fixture
def create_consultation(core: Core) -> Callable[..., Consultation]:
    """Factory: `create_consultation(**spec_overrides)` with a moderator already in."""
    return lambda **overrides: new_consultation(core, **overrides)


def app_for(database_url: str, instance: Path, **settings: Any) -> Flask:
    """The application on `database_url`, threading mode, as tests run it.

    Events go out as soon as published (no pacing window), so a test reads what
    a command sent right after it; tests/realtime/test_pacing.py tests the window.
    Batches are taken at once (no gathering window), so commands sent one after
    another do not wait; tests/services/test_gathering.py tests the window.
    """
    config = Config(
        database_url=database_url,
        secret_key="test-secret",
        async_mode="threading",
        public_url="http://localhost",
        instance_path=str(instance),
        testing=True,
        event_window=0.0,
        gather_window=0.0,
    )
    return create_app(replace(config, **settings))


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Flask:
    """The application on a fresh SQLite file."""
    return app_for(sqlite_url, tmp_path)


@pytest.fixture
def app_core(app: Flask) -> Core:
    return app.extensions["baraza"]


@pytest.fixture
def app_consultation(app_core: Core) -> Consultation:
    return new_consultation(app_core)


@pytest.fixture
def socket_client(app: Flask) -> Iterator[Callable[..., Any]]:
    """Factory: a Socket.IO test client authenticated with `token`; its handshake may
    carry `headers` or the cookies of a Flask test client `browser`."""
    clients = []

    def connect(token: str | None, *, headers=None, browser=None, **auth: Any) -> Any:
        payload = {"token": token, **auth} if token else auth
        client = socketio.test_client(app, auth=payload, headers=headers, flask_test_client=browser)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def form_data(client: Any, path: str, **fields: Any) -> dict[str, Any]:
    """The form at `path` filled in as a browser would: its CSRF token included, and the
    privacy notice accepted where the form asks (`consent=None`: left unticked)."""
    page = client.get(path).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, f"no form with a CSRF token at {path}"
    if 'name="consent"' in page:
        fields = {"consent": "yes", **fields}
    filled = {name: value for name, value in fields.items() if value is not None}
    return {**filled, "csrf_token": token.group(1)}
