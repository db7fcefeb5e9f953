"""Ballots per second through the service layer: the group commit on and off, both databases.

`python -m bench.ballots [--voters 2000] [--threads 32]` seats the voters in a
fresh consultation with an open poll, then casts one ballot each from
`--threads` threads at once, first with each ballot committed in its own
transaction (`ballots.cast_all` called with a batch of one: how every command
was committed before the group commit), then through `ballots.cast_ballot`, the
group commit the server runs, then as the server's command path runs a
ballot sent with a command id (`commands.run`: the receipt taken with the
ballot, the acknowledgement kept after); on a fresh SQLite file and a fresh
PostgreSQL database (`--postgres`, created and dropped here). It prints ballots
per second, this process's CPU per ballot, and checks that the rows are
exactly one per voter. No Socket.IO:
this isolates what the database path can take; `python -m bench` measures the
whole server.
"""

from __future__ import annotations

import argparse
import queue
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from server import bootstrap
from server.core import commands, group_commit
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.polls.models import Ballot
from server.storage.migrate import upgrade

SPEC = {
    "short_name": "bench-ballots",
    "title": "Ballots per second",
    "time_zone": "Africa/Lagos",
    "start": "2024-01-18T09:30:00",
    "agenda": [{"title": "Vote", "minutes": 90}],
}
POLL = {"type": "single", "question": "Ratify?", "options": ["a", "b", "c", "d"], "open": True}


@contextmanager
def database(kind: str, postgres: str) -> Iterator[str]:
    """A fresh, migrated database URL of `kind`, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/ballots.sqlite3"
            upgrade(url)
            yield url
        return
    name = f"bench_ballots_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{postgres}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = f"{postgres}/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


ALONE, GROUPED, WITH_IDS = "one per transaction", "group commit", "commands with ids"


def measure(url: str, voters: int, threads: int, way: str) -> tuple[float, float, int]:
    """Ballots per second with `threads` casting at once, CPU ms a ballot, the rows found."""
    store = Store(url)
    core = Core(store, wiring=bootstrap.wire())
    created = consultations.create(core, parse_spec(SPEC))
    chair = consultations.claim_link(core, created.moderator_token, {}).viewer
    poll_id = polls.create_poll(core, chair, POLL).reply["poll_id"]
    crowd = [consultations.join(core, created.join_code, {}).viewer for _ in range(voters)]
    work: queue.Queue[tuple[int, object]] = queue.Queue()
    for number, viewer in enumerate(crowd):
        work.put((number, viewer))

    def cast() -> None:
        while True:
            try:
                number, viewer = work.get_nowait()
            except queue.Empty:
                return
            if way == GROUPED:
                ballots.cast_ballot(core, viewer, poll_id, number % 4)  # type: ignore[arg-type]
            elif way == WITH_IDS:
                payload = {
                    "poll_id": poll_id,
                    "answer": number % 4,
                    "command_id": f"ballot-{run}-{number}",
                }
                reply = commands.run(core, viewer, "cast_ballot", payload, str)
                assert reply["ok"], reply
            else:
                alone = ballots.BallotCommand(
                    viewer,  # type: ignore[arg-type]
                    poll_id,
                    number % 4,
                    datetime.now(UTC),
                    core.wiring.followers,
                )
                ballots.cast_all(store, [group_commit.Pending(alone, None)])

    run = uuid.uuid4().hex
    pool = [threading.Thread(target=cast) for _ in range(threads)]
    began, cpu = time.perf_counter(), time.process_time()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    with store.reading() as tx:
        rows = tx.scalar(sa.select(sa.func.count()).where(Ballot.poll_id == poll_id)) or 0
    store.dispose()
    return voters / seconds, cpu * 1000 / voters, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432")
    options = parser.parse_args()
    for kind in ("sqlite", "postgresql"):
        for way in (ALONE, GROUPED, WITH_IDS):
            with database(kind, options.postgres) as url:
                rate, cpu, rows = measure(url, options.voters, options.threads, way)
            check = "exact" if rows == options.voters else f"WRONG: {rows} rows"
            print(
                f"{kind:10} {way:20} {rate:7.0f} ballots/s  {cpu:5.2f} ms CPU a ballot"
                f"  ({rows} rows, {check})"
            )


if __name__ == "__main__":
    main()
