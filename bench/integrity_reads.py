"""What the server clock's integrity check reads as a consultation goes on.

`python -m bench.integrity_reads [--attendees 2000] [--checks 20]` builds, in this
process on a fresh SQLite file, the soak's consultation minute by minute (its
attendees arriving in the first two minutes from 500 addresses, a few more all
along; six polls opened and closed one after another, each answered by everyone;
200 questions and 6,000 upvotes), and at each checkpoint runs the check the
clock runs every 10 s for a consultation people joined lately
(`integrity.check`, the default thresholds). It prints, per check, the CPU
milliseconds (`time.process_time`) and SQLite's virtual-machine steps of each
signal's reads: a statement's own work, which no load on the machine changes.

The rows are written as the commands would leave them, in bulk (the services'
own cost is not what is measured here); the check reads only their columns.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from bench import join_phases
from bench.sqlite_steps import sqlite_work
from server.bootstrap import wire
from server.core.access import hash_token
from server.core.models import Participant
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec
from server.features.integrity import signals
from server.features.integrity.rules import Thresholds
from server.features.polls import rules as poll_rules
from server.features.polls.models import Ballot, Poll
from server.features.questions import rules as question_rules
from server.features.questions.models import Question, QuestionVote
from server.seed.series import Clock
from server.storage.migrate import upgrade

START = datetime(2024, 1, 18, 8, 30, tzinfo=UTC)
# join_phases' consultation: an opening, then 85 minutes of discussion.
SPEC = {**join_phases.SPEC, "short_name": "bench-integrity", "title": "Integrity"}
CHECKPOINTS = (5, 30, 60, 89)  # minutes in
POLLS_AT = (8, 22, 36, 50, 64, 78)  # each open 3 minutes
QUESTIONS, UPVOTES_EACH = 200, 30
ADDRESSES = 500
LATE_SHARE = 0.02  # of the room, arriving all along


@dataclass
class Room:
    core: Core
    consultation_id: int
    people: list[int]
    done: float = 0.0  # minutes written so far


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@contextmanager
def room(folder: Path, clock: Clock) -> Iterator[Room]:
    url = f"sqlite:///{folder / 'integrity.sqlite3'}"
    upgrade(url)
    store = Store(url)
    core = Core(store, clock, wiring=wire())
    created = consultations.create(core, parse_spec(SPEC))
    try:
        yield Room(core, created.consultation_id, [])
    finally:
        store.dispose()


def arrivals(attendees: int, rng: random.Random) -> list[float]:
    """Each attendee's minute of arrival: most in the first two, the rest all along."""
    late = int(attendees * LATE_SHARE)
    early = [2 * n / (attendees - late) for n in range(attendees - late)]
    return sorted(early + [rng.uniform(2, 90) for _ in range(late)])


def write_until(r: Room, minutes: float, joins: list[float], rng: random.Random) -> None:
    """Everything the room did from `r.done` up to `minutes` in."""
    with r.core.store.transaction() as tx:
        arriving = [m for m in joins if r.done <= m < minutes]
        if arriving:
            first = len(r.people)
            r.people += tx.scalars(
                insert(Participant).returning(Participant.id),
                [
                    {
                        "consultation_id": r.consultation_id,
                        "role": "attendee",
                        "display_name": f"Attendee {first + n}",
                        "stakeholder_group": "academia",
                        "token_hash": hash_token(f"token-{first + n}"),
                        "address_hash": f"{rng.randrange(ADDRESSES):032x}",
                        "joined_at": at(m),
                    }
                    for n, m in enumerate(arriving)
                ],
            ).all()
        for number, opens in enumerate(POLLS_AT):
            if r.done <= opens < minutes:
                _poll(tx, r, number, opens, rng)
        tx.execute(
            update(Poll)
            .where(Poll.consultation_id == r.consultation_id, Poll.closed_at <= at(minutes))
            .values(state=poll_rules.CLOSED)
        )
        for number in range(QUESTIONS):
            asked = 5 + 84 * number / QUESTIONS
            if r.done <= asked < minutes:
                _question(tx, r, number, asked, rng)
    r.done = minutes


def _poll(tx: Any, r: Room, number: int, opens: float, rng: random.Random) -> None:
    poll_id = tx.scalar(
        insert(Poll).returning(Poll.id),
        {
            "consultation_id": r.consultation_id,
            "position": number,
            "type": poll_rules.SINGLE,
            "question": f"Poll {number}?",
            "options": ["Yes", "No", "Unsure"],
            "visibility": poll_rules.LIVE_RESULTS,
            "state": poll_rules.OPEN,
            "created_at": at(opens),
            "opened_at": at(opens),
            "closed_at": at(opens + 3),
        },
    )
    moments = [at(opens + rng.uniform(0, 1)) for _ in r.people]
    tx.execute(
        insert(Ballot),
        [
            {"poll_id": poll_id, "participant_id": p, "answer": rng.randrange(3)}
            | {"cast_at": moment, "changed_at": moment}
            for p, moment in zip(r.people, moments, strict=True)
        ],
    )


def _question(tx: Any, r: Room, number: int, asked: float, rng: random.Random) -> None:
    question_id = tx.scalar(
        insert(Question).returning(Question.id),
        {
            "consultation_id": r.consultation_id,
            "author_id": rng.choice(r.people),
            "anonymity": question_rules.ANONYMOUS_TO_ATTENDEES,
            "text": f"Question {number}?",
            "state": question_rules.APPROVED,
            "receipt_hash": hash_token(f"receipt-{number}"),
            "created_at": at(asked),
        },
    )
    voters = rng.sample(r.people, UPVOTES_EACH)
    moments = [at(asked + rng.uniform(0, 2)) for _ in voters]
    tx.execute(
        insert(QuestionVote),
        [
            {"question_id": question_id, "participant_id": p, "created_at": moment}
            for p, moment in zip(voters, moments, strict=True)
        ],
    )


READS = (
    signals.join_bursts,
    signals.identical_ballots,
    signals.identical_upvotes,
    signals.late_ballots,
    signals.ban_evasions,
)


def measured(r: Room, checks: int) -> dict[str, tuple[float, int]]:
    """Each signal's CPU milliseconds and hundreds of SQLite steps, a check's mean."""
    thresholds, now = Thresholds(), r.core.now()
    found: dict[str, tuple[float, int]] = {}
    for read in READS:

        def checked(read: Callable[..., object] = read) -> None:
            for _ in range(checks):
                with r.core.store.reading() as tx:
                    read(tx, r.consultation_id, thresholds, now)

        began = time.process_time()
        steps = sqlite_work(r.core, checked)
        spent = (time.process_time() - began) / checks * 1000
        found[read.__name__] = (spent, steps // checks)
    return found


@dataclass(frozen=True)
class Checkpoint:
    minutes: int
    attendees: int
    # Each signal's CPU milliseconds and hundreds of SQLite steps, a check's mean.
    reads: dict[str, tuple[float, int]]


def run(attendees: int, checks: int) -> list[Checkpoint]:
    rng, clock = random.Random(0), Clock(START)
    joins = arrivals(attendees, rng)
    found = []
    with tempfile.TemporaryDirectory() as folder, room(Path(folder), clock) as r:
        for minutes in CHECKPOINTS:
            write_until(r, minutes, joins, rng)
            clock.moment = at(minutes)
            found.append(Checkpoint(minutes, len(r.people), measured(r, checks)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--checks", type=int, default=20)
    options = parser.parse_args()
    for point in run(options.attendees, options.checks):
        total = sum(ms for ms, _ in point.reads.values())
        print(f"minute {point.minutes} ({point.attendees} attendees): {total:.2f} ms a check")
        for name, (ms, steps) in point.reads.items():
            print(f"  {name:20} {ms:6.2f} ms {steps:8,} hundred steps")


if __name__ == "__main__":
    main()
