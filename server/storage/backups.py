"""Whole-database backups of a live deployment, and restoring one into an empty database.

Both kinds are online and consistent: the copy is the database as it was at one
moment, while the server goes on writing. SQLite's online backup copies every
page in one step inside one read transaction (WAL lets writers carry on);
`pg_dump` reads everything in one repeatable-read snapshot.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SQLITE_BUSY_SECONDS = 10


class BackupError(Exception):
    """A backup or restore that did not happen, and why (nothing was half-written)."""


def backup(url: str, target: Path) -> None:
    """Copy the database at `url` into the new file `target`."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if _is_sqlite(url):
            _backup_sqlite(_sqlite_file(url), partial)
        else:
            _run("pg_dump", "--format=custom", f"--file={partial}", f"--dbname={_libpq(url)}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)


def restore(url: str, source: Path) -> None:
    """Restore the backup `source` into the database at `url`, which must hold no table."""
    if _tables(url):
        raise BackupError(
            f"{make_url(url).render_as_string()} is not empty; restore into a new database"
        )
    if _is_sqlite(url):
        _restore_sqlite(source, _sqlite_file(url))
    else:
        _run(
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_libpq(url)}",
            str(source),
        )


def _backup_sqlite(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"no SQLite database at {database}")
    source = sqlite3.connect(database, timeout=SQLITE_BUSY_SECONDS)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # every page in one step: one consistent read
    finally:
        copy.close()
        source.close()


def _restore_sqlite(backup_file: Path, database: Path) -> None:
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        source.close()
        raise BackupError(f"{backup_file} is not a Baraza SQLite backup ({error})") from error
    database.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(database, timeout=SQLITE_BUSY_SECONDS)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _tables(url: str) -> list[str]:
    if _is_sqlite(url) and not _sqlite_file(url).exists():
        return []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sa.inspect(connection).get_table_names()
    except sa.exc.DBAPIError as error:
        raise BackupError(f"cannot open the database: {error.orig}") from error
    finally:
        engine.dispose()


def _run(program: str, *arguments: str) -> None:
    """Run a PostgreSQL client program; its last complaint becomes the error."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is missing: apt-get install postgresql-client")
    done = subprocess.run([program, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        complaint = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{program} failed: {complaint}")


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it (no `+driver`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
