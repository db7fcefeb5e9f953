"""Migrations build exactly the schema the models describe, on both databases."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.storage.metadata import metadata
from server.storage.migrate import upgrade
from tests.conftest import new_postgres_database


@pytest.mark.parametrize(
    "url_fixture", ["sqlite_url", pytest.param("pg_url", marks=pytest.mark.postgres)]
)
def test_the_migrated_schema_matches_the_models(request, url_fixture):
    engine = sa.create_engine(request.getfixturevalue(url_fixture))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_a_fresh_sqlite_database_uses_write_ahead_logging(sqlite_url):
    from server.core.store import Store

    store = Store(sqlite_url)
    with store.reading() as tx:
        assert tx.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()


def _connected_before_0020(url: str) -> None:
    """At revision 0019, a consultation with Amina on two pages and its chair on one."""
    upgrade(url, "0019")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO consultations (id, short_name, title, region, description, time_zone,"
            " scheduled_start, planned_minutes, languages, state, join_code, last_seq,"
            " last_public_seq, peak_present, settings, created_at) VALUES (1, 'c', 'C', '',"
            " '', 'UTC', '2024-01-18 08:30:00', 90, '[]', 'live', 'CODE1', 0, 0, 0, '{}',"
            " '2024-01-18 08:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO participants (id, consultation_id, role, display_name,"
            " stakeholder_group, country, token_hash, joined_at) VALUES"
            " (1, 1, 'attendee', 'Amina', 'other', '', 't1', '2024-01-18 08:31:00'),"
            " (2, 1, 'moderator', 'Chair', 'other', '', 't2', '2024-01-18 08:31:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO connections (sid, consultation_id, participant_id, worker, connected_at)"
            " VALUES ('a1', 1, 1, 'w', '2024-01-18 08:32:00'), ('a2', 1, 1, 'w',"
            " '2024-01-18 08:32:00'), ('m1', 1, 2, 'w', '2024-01-18 08:32:00')"
        )
    engine.dispose()


def _head_count(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT present, attendees_present FROM consultations WHERE id = 1"
        ).one()
    engine.dispose()
    return row[0], row[1]


def test_the_head_count_kept_since_0020_starts_from_whoever_is_connected(tmp_path):
    url = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    _connected_before_0020(url)

    upgrade(url)

    assert _head_count(url) == (2, 1)


@pytest.mark.postgres
def test_the_head_count_kept_since_0020_starts_from_whoever_is_connected_on_postgresql():
    with new_postgres_database("baraza_upgrade") as url:
        _connected_before_0020(url)

        upgrade(url)

        assert _head_count(url) == (2, 1)
