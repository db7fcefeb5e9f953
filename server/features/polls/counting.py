"""Tallies: counts, percentages, Borda points, turnout and breakdowns, from ballots.

Every ballot contributes a value to some rows (an option, a point of the scale,
a word). A row's total and each group's share are sums of the very same
contributions, so a breakdown by stakeholder group or by country always adds up
to the totals. A row read for a choice poll may stand for several ballots alike
(`BallotRow.count`): it contributes that many times.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from server.core.events import Payload

from .rules import (
    FREE_TEXT,
    MULTIPLE,
    OPEN_TEXT,
    RANKING,
    RATING,
    SINGLE,
    WORD_CLOUD,
    PollDefinition,
    normalise_word,
    results_public,
)

# A word cloud draws its most frequent words; staff read the newest open answers
# (and every shown one, however old).
WORD_LIMIT = 100
ANSWER_LIMIT = 500
BREAKDOWNS = ("stakeholder_group", "country")
STAFF_ONLY = ("breakdown", "unreadable", "excluded", "answers")


@dataclass(frozen=True)
class BallotRow:
    """One ballot as tallies read it: the answer and who (by group) gave it; or `count`
    ballots alike in all of these, as a choice poll's count reads them (`id` is then
    the smallest of theirs)."""

    id: int
    answer: Any
    stakeholder_group: str
    country: str
    shown: bool = False
    excluded: bool = False
    count: int = 1


def borda_points(ranking: Sequence[int]) -> dict[int, int]:
    """Borda count: of n options, the first gets n-1 points, the next n-2, the last 0."""
    n = len(ranking)
    return {option: n - 1 - position for position, option in enumerate(ranking)}


def contributions(poll: PollDefinition, answer: Any) -> dict[Hashable, int]:
    """What one ballot adds to each row of the results."""
    if poll.type in (SINGLE, RATING):
        return {answer: 1}
    if poll.type == MULTIPLE:
        return dict.fromkeys(answer, 1)
    if poll.type == RANKING:
        return {option: points for option, points in borda_points(answer).items()}
    if poll.type == WORD_CLOUD:
        return dict.fromkeys((normalise_word(word) for word in answer), 1)
    return {}


def readable(poll: PollDefinition, answer: Any) -> bool:
    """Whether a stored answer has the shape its poll's ballots take (see `parse_answer`).

    Every ballot is checked when cast; this guards the count against a row written
    some other way (an old version, a hand edit), so one row cannot stop a poll's
    results, its closing or its report.
    """
    options = range(len(poll.options))
    if poll.type == SINGLE:
        return _is_int(answer) and answer in options
    if poll.type == RATING:
        return _is_int(answer) and (poll.scale_min or 0) <= answer <= (poll.scale_max or 0)
    if poll.type in (MULTIPLE, RANKING):
        return isinstance(answer, list) and all(_is_int(a) and a in options for a in answer)
    if poll.type == WORD_CLOUD:
        return isinstance(answer, list) and all(isinstance(word, str) for word in answer)
    return isinstance(answer, str)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def tally(poll: PollDefinition, all_ballots: Sequence[BallotRow]) -> dict[str, Any]:
    """The full results, as staff see them (turnout is added by `with_turnout`).

    A ballot whose answer is not `readable` is left out, and counted as `unreadable`;
    one a moderator excluded is left out of every count, listed among the answers.
    """
    listed = [ballot for ballot in all_ballots if readable(poll, ballot.answer)]
    ballots = [ballot for ballot in listed if not ballot.excluded]
    shares = [contributions(poll, ballot.answer) for ballot in ballots]
    totals = _summed(ballots, shares, range(len(ballots)))
    rows = _rows(poll, totals, ballots)
    keys = [key for key, _label in rows]
    voters, readable_voters = _voters(ballots), _voters(listed)
    denominator = sum(totals.values()) if poll.type == RANKING else voters
    results: dict[str, Any] = {
        "type": poll.type,
        "method": poll.method,
        "voters": voters,
        "unreadable": _voters(all_ballots) - readable_voters,
        "excluded": readable_voters - voters,
        "rows": [
            {
                "key": key,
                "label": label,
                "value": totals[key],
                "percent": _percent(totals[key], denominator),
            }
            for key, label in rows
        ],
        "breakdown": {
            dimension: _breakdown(poll, ballots, shares, keys, dimension)
            for dimension in BREAKDOWNS
        },
    }
    if poll.type == RATING:
        results["mean"] = _mean(ballots)
    if poll.type in FREE_TEXT:
        results["answers"] = [
            _answer(poll, ballot)
            for index, ballot in enumerate(listed)
            if index < ANSWER_LIMIT or ballot.shown or ballot.excluded
        ]
    return results


def _answer(poll: PollDefinition, ballot: BallotRow) -> dict[str, Any]:
    """One answer as staff list it, to show it (open text) or to exclude it."""
    if poll.type == WORD_CLOUD:
        return {"id": ballot.id, "words": ballot.answer, "excluded": ballot.excluded}
    return {
        "id": ballot.id,
        "text": ballot.answer,
        "shown": ballot.shown,
        "excluded": ballot.excluded,
    }


def public_results(results: dict[str, Any]) -> dict[str, Any]:
    """What attendees and the present view see: totals only, shown answers only
    (never an excluded one, nor a word cloud's answers one by one).

    Breakdowns stay with staff: in a small group or country they would reveal
    how one identifiable person voted.
    """
    public = {key: value for key, value in results.items() if key not in STAFF_ONLY}
    if results["type"] == OPEN_TEXT:
        public["answers"] = [
            {"id": answer["id"], "text": answer["text"]}
            for answer in results.get("answers", ())
            if answer["shown"] and not answer.get("excluded")
        ]
    return public


def closed_for_attendees(payload: Payload) -> Payload:
    """Attendees and the present view read final tallies only as the poll's visibility allows.

    `poll_closed` is logged with the staff's full results so the log holds them;
    this projection is the one place attendees' share of them is decided.
    """
    poll, results = payload["poll"], payload.get("results")
    if results is None or not results_public(poll["visibility"], poll["state"]):
        return {**payload, "results": None}
    return {**payload, "results": public_results(results)}


def with_turnout(results: dict[str, Any], present: int) -> dict[str, Any]:
    """Add turnout: voters out of the people connected now."""
    voters = results["voters"]
    return {
        **results,
        "present": present,
        "turnout": round(voters / present, 3) if present else None,
    }


def _rows(
    poll: PollDefinition, totals: Counter[Hashable], ballots: Sequence[BallotRow]
) -> list[tuple[Hashable, str]]:
    if poll.type in (SINGLE, MULTIPLE):
        return list(enumerate(poll.options))
    if poll.type == RANKING:
        order = sorted(range(len(poll.options)), key=lambda i: (-totals[i], i))
        return [(i, poll.options[i]) for i in order]
    if poll.type == RATING:
        low, high = poll.scale_min or 0, poll.scale_max or 0
        return [(value, str(value)) for value in range(low, high + 1)]
    if poll.type == WORD_CLOUD:
        top = sorted(totals, key=lambda key: (-totals[key], str(key)))[:WORD_LIMIT]
        labels = _word_labels(ballots)
        return [(key, labels[key]) for key in top]
    return []


def _word_labels(ballots: Sequence[BallotRow]) -> dict[Hashable, str]:
    """Show each word as most people spelled it (ties: the first in alphabetical order)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for ballot in ballots:
        for word in ballot.answer:
            spellings[normalise_word(word)][word] += ballot.count
    return {
        key: min(counted, key=lambda spelling: (-counted[spelling], spelling))
        for key, counted in spellings.items()
    }


def _breakdown(
    poll: PollDefinition,
    ballots: Sequence[BallotRow],
    shares: Sequence[dict[Hashable, int]],
    keys: Sequence[Hashable],
    dimension: str,
) -> list[dict[str, Any]]:
    members: dict[str, list[int]] = defaultdict(list)
    for index, ballot in enumerate(ballots):
        members[getattr(ballot, dimension)].append(index)
    groups = []
    for group, indices in members.items():
        totals = _summed(ballots, shares, indices)
        members_ballots = [ballots[index] for index in indices]
        entry: dict[str, Any] = {
            "key": group,
            "voters": _voters(members_ballots),
            "values": [totals[key] for key in keys],
        }
        if poll.type == RATING:
            entry["mean"] = _mean(members_ballots)
        groups.append(entry)
    return sorted(groups, key=lambda entry: (-entry["voters"], entry["key"]))


def _summed(
    ballots: Sequence[BallotRow], shares: Sequence[dict[Hashable, int]], indices: Iterable[int]
) -> Counter[Hashable]:
    """Each row's total over the ballots at `indices`, each share counted as often as its
    row stands for ballots."""
    totals: Counter[Hashable] = Counter()
    for index in indices:
        times = ballots[index].count
        for key, value in shares[index].items():
            totals[key] += value * times
    return totals


def _voters(ballots: Sequence[BallotRow]) -> int:
    return sum(ballot.count for ballot in ballots)


def _percent(value: int, denominator: int) -> float:
    return round(100 * value / denominator, 1) if denominator else 0.0


def _mean(ballots: Sequence[BallotRow]) -> float | None:
    """A rating's mean answer."""
    voters = _voters(ballots)
    return round(sum(b.answer * b.count for b in ballots) / voters, 2) if voters else None
