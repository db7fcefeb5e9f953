"""Migrations build exactly the schema the models describe, on both databases."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.storage.metadata import metadata


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
