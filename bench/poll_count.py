"""What one count of a poll's results costs, by poll kind, as its ballots grow.

`python -m bench.poll_count [--ballots 5000] [--kinds single,ranking]` seats the
voters in a fresh consultation on a fresh SQLite file (in this process, through
the service layer: eight stakeholder groups, nine countries), casts one ballot
each in a poll of each kind, then counts the poll's results 20 times in a read
transaction (`polls._count`, what the tallies' flusher does at every revision of
a poll during a vote, and what closing a poll does in its own transaction). It
prints the CPU of a count (median) and the rows the count read.

A count is the part of a vote burst that grows with the room: at 5,000 attendees
the flusher counts the live poll every few ticks (docs/performance.md, step 103).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench.ballots import SPEC
from server import bootstrap
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.rules import STAKEHOLDER_GROUPS, parse_spec
from server.features.polls import ballots, rules
from server.features.polls import models as storage
from server.features.polls import service as polls
from server.features.polls.models import Poll
from server.storage.migrate import upgrade

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


def measure(kind: str, voters: int) -> tuple[float, int]:
    """CPU ms of one count of a `kind` poll with `voters` ballots, and the rows it read."""
    fields, answer = KINDS[kind]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/count.sqlite3"
        upgrade(url)
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
        cpu = []
        with store.reading() as tx:
            counted = tx.get(Poll, poll_id)
            assert counted is not None
            for _ in range(COUNTS):
                began = time.process_time()
                polls._count(tx, counted)
                cpu.append(time.process_time() - began)
            read = storage.ballot_rows if kind in rules.FREE_TEXT else storage.choice_rows
            rows = len(read(tx, poll_id))
        store.dispose()
    return statistics.median(cpu) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    options = parser.parse_args()
    for kind in options.kinds.split(","):
        cpu, rows = measure(kind, options.ballots)
        print(f"{kind:10} {options.ballots} ballots: {cpu:6.2f} ms CPU a count, {rows} rows read")


if __name__ == "__main__":
    main()
