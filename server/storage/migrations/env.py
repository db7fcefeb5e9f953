"""Alembic environment: the URL from the config or DATABASE_URL, the whole metadata."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool

from server.storage.metadata import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get(
    "DATABASE_URL", "sqlite:///instance/baraza.sqlite3"
)


def run_migrations() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
