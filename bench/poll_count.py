"""What one count of a poll's results costs, by poll kind, as its ballots grow.

`python -m bench.poll_count [--ballots 5000] [--kinds single,ranking]` seats the
voters in a fresh consultation (in this process, through the service layer:
eight stakeholder groups, nine countries), on a fresh SQLite file, then on a
fresh database of the PostgreSQL server `--postgres` names (created and dropped
here), casts one ballot each in a poll of each kind, then counts the poll's
results 20 times in a read transaction (`polls._count`, what the tallies'
flusher does at every revision of a poll during a vote, and what closing a poll
does in its own transaction). It prints a count's CPU in this process and its
elapsed time (medians: on PostgreSQL the database server's own work is in the
second), and the rows the count read.

A count reads what grows with the room: at 5,000 attendees the flusher counts
the live poll every few ticks of a vote (docs/performance.md, step 103).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.ballots import SPEC, database
from server import bootstrap
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.rules import STAKEHOLDER_GROUPS, parse_spec
from server.features.polls import ballots, rules
from server.features.polls import models as storage
from server.features.polls import service as polls
from server.features.polls.models import Poll

COUNTRIES = ("NG", "KE", "GH", "ZA", "SN", "EG", "MA", "ET", "")
OPTIONS = ["Prevention", "Prosecution", "Cooperation", "Capacity", "Safeguards"]
# Each kind's poll and the answer its n-th voter gives: a spread, as in a real vote.
KINDS: dict[str, tuple[dict[str, Any], Callable[[int], Any]]] = {
    "single": ({"options": OPTIONS[:4]}, lambda n: n % 4),
    "multiple": ({"options": OPTIONS}, lambda n: sorted({n % 5, n // 5 % 5})),
    "rating": ({"scale": "1-5"}, lambda n: 1 + n % 5),
    "ranking": ({"options": OPTIONS[:4]}, lambda n: [n % 4, (n + 1) % 4, (n + 2) % 4, (n + 3) % 4]),
    "word_cloud": ({}, lambda n: [f"word{n % 97}", f"Term{n % 13}"]),
    "open_text": ({}, lambda n: f"Answer number {n % 400}"),
}
COUNTS = 20


def measure(url: str, kind: str, voters: int) -> tuple[float, float, int]:
    """One count of a `kind` poll with `voters` ballots in the database at `url`: this
    process's CPU ms and the elapsed ms (medians; on PostgreSQL the elapsed time holds the
    database server's work too), and the rows it read."""
    fields, answer = KINDS[kind]
    store = Store(url)
    core = Core(store, wiring=bootstrap.wire())
    created = consultations.create(core, parse_spec(SPEC))
    chair = consultations.claim_link(core, created.moderator_token, {}).viewer
    poll = {"type": kind, "question": "Which first?", "open": True, **fields}
    poll_id = polls.create_poll(core, chair, poll).reply["poll_id"]
    for n in range(voters):
        profile = {
            "stakeholder_group": STAKEHOLDER_GROUPS[n % len(STAKEHOLDER_GROUPS)],
            "country": COUNTRIES[n % len(COUNTRIES)],
        }
        viewer = consultations.join(core, created.join_code, profile).viewer
        ballots.cast_ballot(core, viewer, poll_id, answer(n))
    cpu, elapsed = [], []
    with store.reading() as tx:
        counted = tx.get(Poll, poll_id)
        assert counted is not None
        for _ in range(COUNTS):
            began, began_cpu = time.perf_counter(), time.process_time()
            polls._count(tx, counted)
            cpu.append(time.process_time() - began_cpu)
            elapsed.append(time.perf_counter() - began)
        read = storage.ballot_rows if kind in rules.FREE_TEXT else storage.choice_rows
        rows = len(read(tx, poll_id))
    store.dispose()
    return statistics.median(cpu) * 1000, statistics.median(elapsed) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432")
    options = parser.parse_args()
    for kind in ("sqlite", "postgresql"):
        for poll in options.kinds.split(","):
            with database(kind, options.postgres) as url:
                cpu, elapsed, rows = measure(url, poll, options.ballots)
            print(
                f"{kind:10} {poll:10} {options.ballots} ballots: {cpu:6.2f} ms CPU a count,"
                f" {elapsed:6.2f} ms elapsed, {rows} rows read"
            )


if __name__ == "__main__":
    main()
