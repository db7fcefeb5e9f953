"""The engine and the two kinds of transaction every service uses."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from ..domain.errors import try_again

SQLITE_BUSY_MS = 10_000


def _configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers; writers take the lock up front (BEGIN IMMEDIATE).

    pysqlite's own transaction handling starts transactions lazily and would let
    two writers both read then fail on upgrade; we issue BEGIN ourselves.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for `url`, SQLite or PostgreSQL, tuned for short transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Store:
    """Hands out sessions: `transaction()` for commands, `reading()` for snapshots."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        # A store dropped without dispose() (an app a test made) closes its pooled
        # connections: Python 3.13 warns about every sqlite3 connection left open.
        weakref.finalize(self, self.engine.dispose)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True)
        reader = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        self._writer = sessionmaker(writer, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit when the block ends; roll back everything if it raises."""
        with _unavailable_on_disconnect(), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A consistent read: one snapshot of the database for the whole block."""
        with _unavailable_on_disconnect(), self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _unavailable_on_disconnect() -> Iterator[None]:
    """Turn a lost or locked database into a clear, retryable refusal."""
    try:
        yield
    except (OperationalError, PoolTimeout) as error:  # a pool timeout: every connection busy
        raise try_again() from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise try_again() from error
        raise
