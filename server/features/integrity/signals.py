"""The four signals, read from what the database holds; each a list of `Signal`s.

Nothing here writes. A signal names its subject (what it is about), the attendees
concerned with the moment of the act that counts (a join, a ballot, an upvote) and
its own evidence; service.py turns signals into flags.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from server.core.events import ATTENDEE
from server.core.models import Participant
from server.core.times import iso
from server.features.polls import rules as poll_rules
from server.features.polls.models import Ballot, Poll
from server.features.questions.models import QuestionVote

from .rules import BAN_EVASION, IDENTICAL_VOTES, JOIN_BURST, LATE_BALLOTS, Thresholds

# How far back past a burst's own span each check looks. Checks run every 10 s
# (the server's clock), so a burst, at most `…_seconds` long, is seen whole by a
# check, acts committed a little after their moment included; flags grow by union
# (service.py), so what check after check finds adds up. Looking minutes back
# instead read every act of the last ten minutes on every check.
OVERLAP = timedelta(seconds=60)


def looked_at_since(now: datetime, burst_seconds: int) -> datetime:
    """The oldest act a check reads for bursts at most `burst_seconds` long."""
    return now - timedelta(seconds=burst_seconds) - OVERLAP


@dataclass(frozen=True)
class Signal:
    kind: str
    subject: str
    # Who, and when they did what counts (joined, voted).
    members: dict[int, datetime]
    poll_id: int | None = None
    question_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def all_signals(
    tx: Session,
    consultation_id: int,
    thresholds: Thresholds,
    now: datetime,
    give_way: Callable[[], None] = lambda: None,
) -> list[Signal]:
    """Every signal's findings, calling `give_way` after each signal's reads: on SQLite a
    query holds the worker's one thread, and the five in a row held it 30–55 ms in a
    vote's burst (docs/performance.md, step 94), while moderators' actions waited."""
    found = []
    for read in (join_bursts, identical_ballots, identical_upvotes, late_ballots, ban_evasions):
        found += read(tx, consultation_id, thresholds, now)
        give_way()
    return found


def in_bursts(moments: Sequence[tuple[int, datetime]], seconds: float, least: int) -> set[int]:
    """The ids whose moment falls in some span of `seconds` holding at least `least` moments.

    One pass over the moments in order: a window that holds enough adds only what
    the windows before it did not. A crowd behind one address (a venue, a mobile
    carrier) can be thousands of moments in one window, checked every few seconds.
    """
    ordered = sorted(moments, key=lambda pair: pair[1])
    span = timedelta(seconds=seconds)
    found: set[int] = set()
    start = taken = 0  # ordered[:taken] are in `found` or in no burst
    for end in range(len(ordered)):
        while ordered[end][1] - ordered[start][1] > span:
            start += 1
        if end - start + 1 >= least:
            found.update(pair[0] for pair in ordered[max(start, taken) : end + 1])
            taken = end + 1
    return found


def _grouped_bursts(
    rows: Sequence[tuple[Hashable, int, datetime]], seconds: float, least: int
) -> dict[Hashable, dict[int, datetime]]:
    groups: dict[Hashable, list[tuple[int, datetime]]] = defaultdict(list)
    for key, person, moment in rows:
        groups[key].append((person, moment))
    found = {}
    for key, moments in groups.items():
        if len(moments) < least:
            continue
        members = in_bursts(moments, seconds, least)
        if members:
            found[key] = {person: moment for person, moment in moments if person in members}
    return found


def join_bursts(
    tx: Session, consultation_id: int, thresholds: Thresholds, now: datetime
) -> list[Signal]:
    """(a) Many attendees joining from one address within seconds of each other."""
    if not thresholds.join_burst:
        return []
    since = looked_at_since(now, thresholds.join_burst_seconds)
    rows = tx.execute(
        select(Participant.address_hash, Participant.id, Participant.joined_at).where(
            Participant.consultation_id == consultation_id,
            Participant.role == ATTENDEE,
            Participant.address_hash.is_not(None),
            Participant.joined_at >= since,
        )
    ).all()
    bursts = _grouped_bursts(
        [(row[0], row[1], row[2]) for row in rows],
        thresholds.join_burst_seconds,
        thresholds.join_burst,
    )
    return [
        Signal(
            JOIN_BURST,
            f"address:{address}",
            members,
            details={"window_seconds": thresholds.join_burst_seconds},
        )
        for address, members in bursts.items()
    ]


def answer_key(answer: Any) -> str:
    """A short stable key for a ballot's answer (the subject of a flag is bounded)."""
    text = json.dumps(answer, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def answer_shown(answer: Any) -> Any:
    """The answer as a flag's evidence holds it: free text cut to 80 characters."""
    if isinstance(answer, str):
        return answer[:80]
    if isinstance(answer, list):
        return [item[:40] if isinstance(item, str) else item for item in answer]
    return answer


def identical_ballots(
    tx: Session, consultation_id: int, thresholds: Thresholds, now: datetime
) -> list[Signal]:
    """(b) Many new attendees casting the same ballot within seconds."""
    if not thresholds.identical_voters:
        return []
    new = timedelta(minutes=thresholds.new_minutes)
    since = looked_at_since(now, thresholds.identical_seconds)
    found = tx.execute(
        select(
            Ballot.poll_id,
            Ballot.answer,
            Ballot.participant_id,
            Ballot.cast_at,
            Participant.joined_at,
        )
        .join(Poll, Poll.id == Ballot.poll_id)
        .join(Participant, Participant.id == Ballot.participant_id)
        .where(Poll.consultation_id == consultation_id, _open_since(since))
        .where(Ballot.cast_at >= since)
        .where(Participant.joined_at >= since - new)  # new when they voted, at the least
    ).all()
    # By attendees new then; each keyed once (a tick during a vote reads its every ballot).
    keyed = [((row[0], answer_key(row[1])), row) for row in found if row[4] >= row[3] - new]
    answers = {key: row[1] for key, row in keyed}
    bursts = _grouped_bursts(
        [(key, row[2], row[3]) for key, row in keyed],
        thresholds.identical_seconds,
        thresholds.identical_voters,
    )
    signals = []
    for key, members in bursts.items():
        assert isinstance(key, tuple)
        poll_id, answer = key
        details = {
            "window_seconds": thresholds.identical_seconds,
            "joined_within_minutes": thresholds.new_minutes,
            "answer": answer_shown(answers[key]),
        }
        subject = f"poll:{poll_id}:{answer}"
        signals.append(Signal(IDENTICAL_VOTES, subject, members, poll_id=poll_id, details=details))
    return signals


def _open_since(since: datetime) -> ColumnElement[bool]:
    """Polls open at some moment since `since`: the only ones with ballots cast since (a
    ballot is cast in an open poll; changing it keeps its `cast_at`). The polls closed
    before hold most of a consultation's ballots, which a check need not read."""
    return or_(Poll.state == poll_rules.OPEN, Poll.closed_at >= since)


def identical_upvotes(
    tx: Session, consultation_id: int, thresholds: Thresholds, now: datetime
) -> list[Signal]:
    """(b) Many new attendees upvoting the same question within seconds."""
    if not thresholds.identical_voters:
        return []
    new = timedelta(minutes=thresholds.new_minutes)
    since = looked_at_since(now, thresholds.identical_seconds)
    found = tx.execute(
        select(
            QuestionVote.question_id,
            QuestionVote.participant_id,
            QuestionVote.created_at,
            Participant.joined_at,
        )
        .join(Participant, Participant.id == QuestionVote.participant_id)
        .where(Participant.consultation_id == consultation_id)
        .where(QuestionVote.created_at >= since)
        .where(Participant.joined_at >= since - new)  # new when they voted, at the least
    ).all()
    rows = [row for row in found if row[3] >= row[2] - new]  # by attendees new then
    bursts = _grouped_bursts(
        [(row[0], row[1], row[2]) for row in rows],
        thresholds.identical_seconds,
        thresholds.identical_voters,
    )
    details = {
        "window_seconds": thresholds.identical_seconds,
        "joined_within_minutes": thresholds.new_minutes,
    }
    return [
        Signal(
            IDENTICAL_VOTES,
            f"question:{question_id}",
            members,
            question_id=int(str(question_id)),
            details=dict(details),
        )
        for question_id, members in bursts.items()
    ]


def late_ballots(
    tx: Session, consultation_id: int, thresholds: Thresholds, now: datetime
) -> list[Signal]:
    """(c) A poll a large share of whose ballots came from attendees who joined after it
    opened: polls open now, or closed within the last `new_minutes`.

    Each poll's late ballots are read from its latecomers (the participants' index by
    moment of joining), and its whole count only when they are enough to matter: a
    check reads the latecomers' ballots, not every ballot of the poll."""
    if not thresholds.late_ballots:
        return []
    since = now - timedelta(minutes=max(thresholds.new_minutes, 1))
    opened = tx.execute(
        select(Poll.id, Poll.opened_at).where(
            Poll.consultation_id == consultation_id,
            Poll.opened_at.is_not(None),
            _open_since(since),
        )
    ).all()
    signals = []
    for poll_id, opened_at in opened:
        assert opened_at is not None  # selected so
        counted = (Ballot.poll_id == poll_id, Ballot.excluded_by_flag.is_(None))
        members: dict[int, datetime] = dict(
            tx.execute(
                select(Ballot.participant_id, Ballot.cast_at)
                .join(Participant, Participant.id == Ballot.participant_id)
                .where(*counted)
                .where(
                    Participant.consultation_id == consultation_id,
                    Participant.joined_at > opened_at,
                )
            ).all()
        )
        if len(members) < thresholds.late_ballots:
            continue
        total = tx.scalar(select(func.count()).select_from(Ballot).where(*counted)) or 0
        if len(members) < thresholds.late_share * total:
            continue
        details = {"ballots": total, "opened_at": iso(opened_at)}
        subject = f"poll:{poll_id}"
        signals.append(Signal(LATE_BALLOTS, subject, members, poll_id=poll_id, details=details))
    return signals


def ban_evasions(
    tx: Session, consultation_id: int, thresholds: Thresholds, now: datetime
) -> list[Signal]:
    """(d) A new device joining from a banned attendee's address soon after the ban (the
    same device is refused outright: consultations/service.py)."""
    if not thresholds.ban_evasion_minutes:
        return []
    window = timedelta(minutes=thresholds.ban_evasion_minutes)
    banned = tx.execute(
        select(
            Participant.id, Participant.address_hash, Participant.device_hash, Participant.banned_at
        ).where(
            Participant.consultation_id == consultation_id,
            Participant.banned_at.is_not(None),
            Participant.address_hash.is_not(None),
        )
    ).all()
    signals = []
    for banned_id, address, device, banned_at in banned:
        assert banned_at is not None  # selected so
        rows = tx.execute(
            select(Participant.id, Participant.joined_at, Participant.device_hash).where(
                Participant.consultation_id == consultation_id,
                Participant.role == ATTENDEE,
                Participant.address_hash == address,
                Participant.joined_at > banned_at,
                Participant.joined_at <= banned_at + window,
                Participant.id != banned_id,
            )
        ).all()
        members = {
            person: joined_at
            for person, joined_at, other in rows
            if other is None or device is None or other != device
        }
        if members:
            details = {"banned_participant_id": banned_id, "banned_at": iso(banned_at)}
            signals.append(Signal(BAN_EVASION, f"ban:{banned_id}", members, details=details))
    return signals
