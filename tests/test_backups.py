"""Backing up a live database and restoring it (SQLite's online backup, pg_dump).

Each test runs on SQLite and on PostgreSQL. The consultation backed up is the
report tests' scripted one: questions (anonymous ones too), votes, polls of five
kinds with ballots, speakers and notes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations.snapshots import snapshot
from server.features.questions import asks
from server.reports import exports
from server.reports.model import Audience
from server.storage import backups
from tests.conftest import WIRING, Clock, app_for, new_consultation, new_postgres_database
from tests.reports.scripted import run_script

BUSY_SETTINGS = {"questions": {"min_interval_seconds": 0, "max_per_person": 1000}}


@pytest.fixture
def empty_url(store: Store, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as `store`'s, to restore into."""
    if store.is_sqlite:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with new_postgres_database("baraza_restore") as url:
        yield url


@pytest.fixture
def restored(empty_url: str, clock: Clock) -> Iterator[Core]:
    """The restored database, read on the same clock as the original."""
    store = Store(empty_url)
    yield Core(store, clock, wiring=WIRING)
    store.dispose()


def archive(core: Core, consultation_id: int) -> bytes:
    """The consultation's JSON archive, as `export-json` writes it."""
    return b"".join(exports.stream(core, consultation_id, exports.FORMATS["json"], Audience.FULL))


def every_row(url: str) -> dict[str, list[str]]:
    """Every table's rows, in a stable order."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    with engine.connect() as connection:
        metadata.reflect(connection)
        rows = {
            name: sorted(repr(tuple(row)) for row in connection.execute(sa.select(table)))
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return rows


def test_a_restored_backup_holds_every_row_of_every_table(core, clock, empty_url, tmp_path):
    run_script(core, clock)
    backups.backup(core.store.url, tmp_path / "baraza.backup")
    backups.restore(empty_url, tmp_path / "baraza.backup")
    original = every_row(core.store.url)
    assert all(
        original[table] for table in ("questions", "question_votes", "poll_ballots", "notes")
    )
    assert every_row(empty_url) == original


def test_a_backup_taken_while_people_ask_restores_each_consultation_as_it_was_at_one_moment(
    core, clock, restored, tmp_path
):
    quiet = run_script(core, clock).consultation
    restored.wiring = core.wiring  # read as the original is, the script's remarks too
    quiet_archive = archive(core, quiet.id)
    busy = new_consultation(core, settings=BUSY_SETTINGS)
    asker = busy.join(display_name="Asker")
    # states[n]: the busy consultation's archive after its n-th question was committed.
    states = [archive(core, busy.id)]
    asking, stop, failures = threading.Event(), threading.Event(), []

    def ask_until_stopped() -> None:
        try:
            while not stop.is_set() and len(states) < 1000:
                asks.ask(core, asker, f"Question {len(states)}", None, False)
                states.append(archive(core, busy.id))
                asking.set()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
            asking.set()

    writer = threading.Thread(target=ask_until_stopped)
    writer.start()
    assert asking.wait(timeout=30)
    first = len(states) - 1  # committed when the backup started, at least
    backups.backup(core.store.url, tmp_path / "baraza.backup")
    last = len(states)  # committed when it ended, at most
    stop.set()
    writer.join(timeout=60)
    assert not failures and not writer.is_alive()

    backups.restore(restored.store.url, tmp_path / "baraza.backup")
    assert archive(restored, quiet.id) == quiet_archive
    assert archive(restored, busy.id) in states[first : last + 1]


def test_the_restored_database_answers_the_same_snapshot(core, clock, restored, tmp_path):
    scripted = run_script(core, clock)
    backups.backup(core.store.url, tmp_path / "baraza.backup")
    backups.restore(restored.store.url, tmp_path / "baraza.backup")
    for person in (scripted.consultation.moderator, scripted.attendees["amina"]):
        assert snapshot(restored, person) == snapshot(core, person)


def app_on(url: str, instance: Path) -> Any:
    return app_for(url, instance)


def test_backup_and_restore_from_the_command_line_serve_the_consultation(
    core, clock, empty_url, tmp_path
):
    scripted = run_script(core, clock)
    backup_file = tmp_path / "baraza.backup"
    original = app_on(core.store.url, tmp_path)
    written = original.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert (written.exit_code, written.output) == (0, f"backup written to {backup_file}\n")

    restored = app_on(empty_url, tmp_path)
    result = restored.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    moderator = {"Authorization": f"Bearer {scripted.consultation.moderator_token}"}
    answer = restored.test_client().get("/api/snapshot", headers=moderator).json["snapshot"]
    assert answer["seq"] == snapshot(core, scripted.consultation.moderator)["seq"] > 0
    assert answer["consultation"]["title"] == "Regional Cybercrime Consultations for Africa"


def test_a_restore_never_writes_over_a_database_in_use(core, clock, tmp_path):
    run_script(core, clock)
    backups.backup(core.store.url, tmp_path / "baraza.backup")
    before = every_row(core.store.url)
    app = app_on(core.store.url, tmp_path)
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "baraza.backup")])
    assert result.exit_code == 1 and "is not empty; restore into a new database" in result.output
    assert every_row(core.store.url) == before


def test_a_backup_never_overwrites_a_file(core, tmp_path):
    kept = tmp_path / "yesterday.backup"
    kept.write_bytes(b"yesterday's backup")
    result = app_on(core.store.url, tmp_path).test_cli_runner().invoke(args=["backup", str(kept)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert kept.read_bytes() == b"yesterday's backup"


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_is_restored(empty_url, tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a backup")
    result = app_on(empty_url, tmp_path).test_cli_runner().invoke(args=["restore", str(wrong)])
    refusal = "not a Baraza SQLite backup" if "sqlite" in empty_url else "pg_restore failed"
    assert result.exit_code == 1 and refusal in result.output
    assert every_row(empty_url) == {}
