"""The scripted consultation: who does what at which consultation minute. Pure: no I/O.

One consultation of `MINUTES` (90) minutes on the demo's agenda of eight items,
for N attendees. Counts are those of 2,000 attendees (`REFERENCE_N`), scaled
with N: 200 questions and 6,000 upvotes, 40 speakers, and in six of the items a
poll, each of another kind, answered by 85 % of attendees. Every minute 5 % of
attendees drop and come back a few seconds later. Times are consultation
minutes from the first item's start; the runner (`run.py`) maps them to real
seconds (`--minutes`). The same seed gives the same script.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MINUTES = 90
WINDOW_MINUTES = 5
REFERENCE_N = 2000
# The demo's agenda (server/seed/africa-2024.yaml): planned minutes per item.
DEMO_ITEMS = (5, 15, 15, 15, 12, 12, 11, 5)
QUESTIONS = 200
UPVOTES = 6000
SPEAKERS = 40
DROPS_PER_MINUTE = 0.05  # the share of attendees who drop, and rejoin, each minute
AWAY_SECONDS = (1.0, 5.0)  # real seconds a dropped attendee stays away: a network blip
VOTERS = 0.85  # the share of attendees who answer each poll
VOTE_AFTER = 2.0  # minutes between a question and its first upvote (its id known by then)
PIN_AFTER = 2.0  # minutes between a question and its pin, at the soonest
ANSWERED = 0.43  # the share of questions the chair pins and answers (86 of 200)
ANSWER_AFTER = 0.5  # minutes between a pin and the answer; no upvote for it after
POLL_OPEN_AFTER, POLL_VOTING, POLL_CLOSE_AFTER = 3.0, 2.0, 6.0  # minutes from the item's start

OPTIONS = ["Training", "Shared evidence", "Joint investigations", "Legislation"]
WORDS = ["trust", "capacity building", "privacy", "evidence", "cooperation", "skills"]
# One poll of each kind, for items 2 to 7 (the opening and the closing have none).
POLLS: list[dict[str, Any]] = [
    {"type": "single", "question": "Which measure matters most?", "options": OPTIONS},
    {"type": "multiple", "question": "Which apply to you?", "options": OPTIONS, "max_choices": 2},
    {"type": "rating", "question": "How ready is your country?", "scale": "1-5"},
    {"type": "word_cloud", "question": "One word for what is missing"},
    {"type": "ranking", "question": "Rank these priorities", "options": OPTIONS},
    {"type": "open_text", "question": "What should the rapporteur stress?"},
]


@dataclass(frozen=True)
class Chair:
    """A moderator action: `command` on item, poll or question number `target`."""

    minute: float
    command: str  # start_item, create_poll, open_poll, close_poll, give_floor, end_turn,
    # pin_question, answer_question
    target: int = -1


@dataclass(frozen=True)
class Command:
    """An attendee's command: ask (question `target`), upvote it, answer poll `target`,
    or raise a hand (speaker `target`)."""

    minute: float
    number: int  # the attendee, 0 to N - 1
    event: str  # ask_question, vote_question, cast_ballot, raise_hand
    target: int
    answer: Any = None


@dataclass(frozen=True)
class Drop:
    """Attendee `number` loses the connection at `minute` and is back `away` real seconds on."""

    minute: float
    number: int
    away: float


@dataclass
class Script:
    n: int
    item_minutes: tuple[int, ...]
    polls: list[dict[str, Any]]
    chair: list[Chair] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)

    @property
    def windows(self) -> int:
        return -(-MINUTES // WINDOW_MINUTES)

    def count(self, event: str) -> int:
        return sum(1 for command in self.commands if command.event == event)


def window_of(minute: float) -> int:
    """The 5-minute window a consultation minute falls in (0 for minutes 0 to 5)."""
    return min(int(minute // WINDOW_MINUTES), -(-MINUTES // WINDOW_MINUTES) - 1)


def scaled(count: int, n: int) -> int:
    """`count` for 2,000 attendees, for `n` (at least one)."""
    return max(1, round(count * n / REFERENCE_N))


def build(
    n: int,
    item_minutes: Sequence[int] = DEMO_ITEMS,
    seed: int = 0,
    drops: float = DROPS_PER_MINUTE,
) -> Script:
    """The whole consultation for `n` attendees on an agenda of `item_minutes`, `drops`
    of them dropping and rejoining each minute."""
    if len(item_minutes) != len(DEMO_ITEMS) or sum(item_minutes) != MINUTES:
        raise ValueError(f"the script needs 8 items of {MINUTES} minutes in all")
    rng = random.Random(seed)
    starts = [sum(item_minutes[:k]) for k in range(len(item_minutes))]
    ends = [start + minutes for start, minutes in zip(starts, item_minutes, strict=True)]
    script = Script(n, tuple(item_minutes), POLLS)
    script.chair += [Chair(float(start), "start_item", k) for k, start in enumerate(starts)]
    discussed = range(1, len(item_minutes) - 1)  # items 2 to 7
    _polls(script, rng, [starts[k] for k in discussed])
    asked = _questions(script, rng, scaled(QUESTIONS, n))
    answered = _pins(script, asked)
    _upvotes(script, rng, asked, answered, scaled(UPVOTES, n))
    _speakers(script, rng, scaled(SPEAKERS, n), [(starts[k], ends[k]) for k in discussed])
    _drops(script, rng, drops)
    script.chair.sort(key=lambda action: action.minute)
    script.commands.sort(key=lambda command: command.minute)
    return script


def _polls(script: Script, rng: random.Random, item_starts: list[int]) -> None:
    """A poll per discussed item: created at its start, opened 3 minutes in, answered by
    85 % of attendees within 2 minutes (most early), closed 6 minutes in."""
    for poll, start in enumerate(item_starts):
        script.chair.append(Chair(start + 0.2, "create_poll", poll))
        opened = start + POLL_OPEN_AFTER
        script.chair.append(Chair(opened, "open_poll", poll))
        script.chair.append(Chair(start + POLL_CLOSE_AFTER, "close_poll", poll))
        kind = script.polls[poll]["type"]
        for number in rng.sample(range(script.n), round(VOTERS * script.n)):
            minute = opened + 0.05 + POLL_VOTING * rng.betavariate(1, 2)
            script.commands.append(
                Command(minute, number, "cast_ballot", poll, _answer(kind, rng, number))
            )


def _answer(kind: str, rng: random.Random, number: int) -> Any:
    if kind == "single":
        return rng.randrange(len(OPTIONS))
    if kind == "multiple":
        return sorted(rng.sample(range(len(OPTIONS)), rng.randint(1, 2)))
    if kind == "rating":
        return rng.randint(1, 5)
    if kind == "word_cloud":
        return rng.sample(WORDS, rng.randint(1, 3))
    if kind == "ranking":
        return rng.sample(range(len(OPTIONS)), len(OPTIONS))
    return f"Attendee {number}: stress the safeguards and the follow-up."


def _questions(script: Script, rng: random.Random, questions: int) -> list[tuple[float, int]]:
    """Questions asked through the consultation, each by one attendee (while there are
    enough). Returns (minute asked, asker) by question number."""
    askers = (
        rng.sample(range(script.n), questions)
        if questions <= script.n
        else [rng.randrange(script.n) for _ in range(questions)]
    )
    times = sorted(rng.uniform(0.5, MINUTES - 3) for _ in range(questions))
    asked = list(zip(times, askers, strict=True))
    for number, (minute, asker) in enumerate(asked):
        script.commands.append(Command(minute, asker, "ask_question", number))
    return asked


def _pins(script: Script, asked: list[tuple[float, int]]) -> dict[int, float]:
    """At a steady pace (each minute for 2,000 attendees), the chair pins the oldest question
    not yet taken (asked two minutes before at least) and answers it half a minute later.
    Returns the minute each was answered."""
    answered: dict[int, float] = {}
    waiting = iter(range(len(asked)))
    question = next(waiting, None)
    pins = max(1, round(ANSWERED * len(asked)))
    every = max(1, (MINUTES - 2) // pins)
    for minute in range(1, MINUTES - 1, every):
        if question is None or asked[question][0] > minute - PIN_AFTER:
            continue
        script.chair.append(Chair(minute + 0.3, "pin_question", question))
        script.chair.append(Chair(minute + 0.3 + ANSWER_AFTER, "answer_question", question))
        answered[question] = minute + 0.3 + ANSWER_AFTER
        question = next(waiting, None)
    return answered


def _upvotes(
    script: Script,
    rng: random.Random,
    asked: list[tuple[float, int]],
    answered: dict[int, float],
    upvotes: int,
) -> None:
    """Upvotes of questions asked 2 minutes before at least and not answered yet (the
    page offers no vote on an answered one), never one's own nor twice."""
    voted: set[tuple[int, int]] = set()
    first_vote = asked[0][0] + VOTE_AFTER
    for _ in range(upvotes * 50):  # a small crowd may not have 6,000 pairs to give
        if len(voted) == upvotes or first_vote >= MINUTES:
            break
        minute = rng.uniform(first_vote, MINUTES)
        open_ = [
            question
            for question, (asked_at, _) in enumerate(asked)
            if asked_at <= minute - VOTE_AFTER and answered.get(question, MINUTES) > minute
        ]
        if not open_:
            continue
        question = rng.choice(open_)
        voter = rng.randrange(script.n)
        if voter == asked[question][1] or (voter, question) in voted:
            continue
        voted.add((voter, question))
        script.commands.append(Command(minute, voter, "vote_question", question))


def _speakers(
    script: Script, rng: random.Random, speakers: int, items: list[tuple[int, int]]
) -> None:
    """Speakers shared among the discussed items by their length; each raises a hand,
    is given the floor when the previous turn ends, and speaks most of a slot."""
    minutes = sum(end - start for start, end in items)
    shares = [speakers * (end - start) / minutes for start, end in items]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(items)), key=lambda k: shares[k] - counts[k], reverse=True)
    for k in by_remainder[: speakers - sum(counts)]:
        counts[k] += 1
    people = iter(rng.sample(range(script.n), min(speakers, script.n)))
    speaker = 0
    for (start, end), count in zip(items, counts, strict=True):
        if not count:
            continue
        slot = (end - 0.5 - (start + 1.0)) / count
        for turn in range(count):
            given = start + 1.0 + turn * slot
            number = next(people, None)
            if number is None:
                return
            raised = max(start + 0.2, given - 0.8)
            script.commands.append(Command(raised, number, "raise_hand", speaker))
            script.chair.append(Chair(given, "give_floor", speaker))
            script.chair.append(Chair(given + 0.85 * slot, "end_turn", speaker))
            speaker += 1


def _drops(script: Script, rng: random.Random, share: float) -> None:
    """Each minute, `share` of attendees (5 %) drop at a random moment and rejoin 1 to 5 s
    later."""
    each = round(share * script.n)
    for minute in range(MINUTES):
        for number in rng.sample(range(script.n), each):
            script.drops.append(Drop(minute + rng.random(), number, rng.uniform(*AWAY_SECONDS)))
    script.drops.sort(key=lambda drop: drop.minute)
