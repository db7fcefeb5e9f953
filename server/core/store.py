"""The engine and the two kinds of transaction every service uses."""

from __future__ import annotations

import copy
import select
import time
import weakref
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg2
import psycopg2.extensions
from sqlalchemy import Row, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from server import metrics

from .errors import try_again

SQLITE_BUSY_MS = 10_000

# How long a command may wait for PostgreSQL: to connect, for a statement, for a
# row lock. A database that stops answering then costs a command a few seconds
# and a `try_again`, not every request's full wait (docs/deployment.md).
DATABASE_TIMEOUT_SECONDS = 5.0
# The client gives up a little after the server would have cancelled the
# statement itself, so a slow statement is cancelled (connection kept) and only
# a server that does not answer at all costs the connection.
CLIENT_MARGIN_SECONDS = 1.0
# Opening a connection takes milliseconds; a server silent this long is away.
CONNECT_SECONDS = 2
# TCP keepalives: a server gone without closing the connection (a cable, a
# crashed host) is noticed in about idle + interval x count seconds.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


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


def _postgresql_connect_args(timeout: float) -> dict[str, Any]:
    """Time-outs on every side of a PostgreSQL connection (see DATABASE_TIMEOUT_SECONDS)."""
    milliseconds = round(timeout * 1000)

    class TimedConnection(psycopg2.extensions.connection):  # type: ignore[misc]
        """A connection the wait callback gives up on when the server stays silent."""

        connect_seconds = CONNECT_SECONDS
        wait_seconds = timeout + CLIENT_MARGIN_SECONDS

    return {
        "connect_timeout": CONNECT_SECONDS,
        "options": f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}",
        "connection_factory": TimedConnection,
        **KEEPALIVES,
    }


_CONNECTED = (
    psycopg2.extensions.STATUS_READY,
    psycopg2.extensions.STATUS_BEGIN,
    psycopg2.extensions.STATUS_PREPARED,
)


def wait_for_database(connection: Any) -> None:
    """psycopg2's wait callback: let other (green) threads run while the server works,
    and give up on a server silent for the connection's `wait_seconds`.

    Installed by the entry modules (server/green.py). `select` is the patched one
    under eventlet and gevent, so waiting yields; a server that accepts a
    connection and never answers is otherwise waited for forever, since neither
    statement_timeout (the server's) nor keepalives (the peer still acknowledges)
    can end that wait.
    """
    connected = connection.status in _CONNECTED
    limit: float | None = getattr(
        connection, "wait_seconds" if connected else "connect_seconds", None
    )
    deadline = None if limit is None else time.monotonic() + limit
    while True:
        state = connection.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise psycopg2.OperationalError(f"the database did not answer within {limit:g} s")
        if state == psycopg2.extensions.POLL_READ:
            select.select([connection.fileno()], [], [], left)
        elif state == psycopg2.extensions.POLL_WRITE:
            select.select([], [connection.fileno()], [], left)
        else:
            raise psycopg2.OperationalError(f"unexpected state {state} from poll()")


def make_engine(url: str, timeout: float = DATABASE_TIMEOUT_SECONDS, **kwargs: Any) -> Engine:
    """Create the engine for `url`, SQLite or PostgreSQL, tuned for short transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    # Waiting for a pooled connection is waiting for the database too.
    kwargs.setdefault("pool_timeout", timeout)
    kwargs.setdefault("connect_args", _postgresql_connect_args(timeout))
    return create_engine(url, **kwargs)


class Receipt(Protocol):
    """What a command's write transaction takes first (core/receipts.py: `Claim`)."""

    def take(self, tx: Session) -> None:
        """Insert the receipt in `tx`, unless an earlier transaction holds it."""

    def rolled_back(self, tx: Session) -> None:
        """`tx` was rolled back: if it held the receipt, the receipt is free again."""


class Store:
    """Hands out sessions: `transaction()` for commands, `reading()` for snapshots;
    and, for the way in that every connection and reconnection runs, bare connections
    (`reading_rows()`, `writing_rows()`): a Core statement on one costs half what it
    costs in a session (docs/performance.md, "What a statement costs").

    A command sent with an id runs with a copy (`taking(receipt)`) whose write
    transactions take its receipt, so the command's effect and its receipt
    commit together or not at all.
    """

    receipt: Receipt | None = None

    def __init__(
        self, url: str, timeout: float = DATABASE_TIMEOUT_SECONDS, **engine_kwargs: Any
    ) -> None:
        self.url = url
        self.engine = make_engine(url, timeout, **engine_kwargs)
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
        self._writer_engine, self._reader_engine = writer, reader
        self.shared = self

    def taking(self, receipt: Receipt | None) -> Store:
        """This store (the same engine) whose write transactions take `receipt` first."""
        view = copy.copy(self)
        view.receipt = receipt
        return view

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit when the block ends; roll back everything if it raises."""
        with _unavailable_on_disconnect(), self._writer() as session:
            try:
                with session.begin():
                    if self.receipt is not None:
                        self.receipt.take(session)
                    yield session
            except BaseException:
                if self.receipt is not None:
                    self.receipt.rolled_back(session)
                raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A consistent read: one snapshot of the database for the whole block."""
        with _unavailable_on_disconnect(), self._reader() as session, session.begin():
            yield session

    @contextmanager
    def reading_rows(self) -> Iterator[Connection]:
        """`reading()` on a bare connection, for Core statements only."""
        with _unavailable_on_disconnect(), self._reader_engine.connect() as connection:
            with connection.begin():
                yield connection

    @contextmanager
    def writing_rows(self) -> Iterator[Connection]:
        """`transaction()` on a bare connection, for Core statements only; it takes no
        command's receipt (`taking`): for what is not a command (presence, say)."""
        with _unavailable_on_disconnect(), self._writer_engine.begin() as connection:
            yield connection

    def ping(self) -> None:
        """Ask the database for an answer now; `try_again` if it gives none in time."""
        with self.reading() as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def rows_of(tx: Session) -> Connection:
    """`tx`'s own connection, once what `tx` holds is flushed, for statements of columns.

    A statement of a model's columns run by the session still goes through the ORM's
    work for its result, 30-40 µs a statement more than on the connection; flushed
    first, the connection reads what the session would have (its autoflush)."""
    tx.flush()
    return tx.connection()


def columns_by_id(tx: Session, statement: Any, ids: Collection[Any]) -> dict[Any, Row[Any]]:
    """The rows `statement` reads for `ids` (its expanding `ids` parameter) on `tx`'s own
    connection (`rows_of`), by their `id` column: a batch's columns, where
    `group_commit.rows_by_id` gives objects."""
    if not ids:
        return {}
    return {row.id: row for row in rows_of(tx).execute(statement, {"ids": list(ids)})}


@contextmanager
def _unavailable_on_disconnect() -> Iterator[None]:
    """Turn a lost or locked database into a clear, retryable refusal."""
    try:
        yield
    except PoolTimeout as error:  # every pooled connection busy for DATABASE_TIMEOUT
        metrics.DATABASE_POOL_TIMEOUTS.inc()
        raise try_again() from error
    except OperationalError as error:
        raise try_again() from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise try_again() from error
        raise
