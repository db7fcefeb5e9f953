"""Integrity flags: raised by the server's clock, decided by moderators, never deleting.

The server's clock (realtime/ticker.py) runs `check_due` every 10 s: for every
consultation not ended that has had joins, ballots or upvotes lately, it reads the
signals (signals.py) and turns each into a flag staff hear of
(`integrity_flag_raised`), or grows the open flag about the same subject
(`integrity_flag_updated`). People already in a decided flag about a subject are not
flagged again for it; newcomers to it make a new flag.

A moderator then excludes the flag's ballots and upvotes from the results
(`exclude_flagged`, a reason required), includes them again (`include_flagged`,
a reason required) or dismisses the flag (`dismiss_flag`). Excluded rows stay in the
record, marked with the flag (`excluded_by_flag`); every count and report leaves them
out, and every report says what was excluded, and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, false, func, select, update
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import Viewer, lock_consultation
from server.core.errors import N_, NotFound
from server.core.events import MODERATOR, STAFF, STAFF_ROLES, EventDraft, LoggedEvent
from server.core.ids import as_id
from server.core.lifecycle import ENDED
from server.core.models import Consultation, Participant
from server.core.runtime import Core
from server.core.times import iso
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.polls.models import Ballot, Poll
from server.features.polls.service import TOPIC as POLLS_TOPIC
from server.features.questions.models import Question, QuestionVote
from server.features.questions.service import VOTES_TOPIC

from . import rules
from .models import IntegrityFlag
from .rules import Thresholds
from .signals import Signal, all_signals
from .views import FlagView, IntegrityPart

# ------------------------------------------------------------------ raising flags


def _give_way() -> None:
    """Let the worker's other green threads run: `time.sleep` is the hub's once eventlet
    or gevent patched it (server/green.py); unpatched, the thread's."""
    time.sleep(0)


# Each consultation not ended, asked whether anyone joined it lately: the people of
# the ended ones, which every consultation of a series adds to, are not read.
_JOINED_LATELY = select(Consultation.id).where(
    Consultation.state != ENDED,
    select(Participant.id)
    .where(
        Participant.consultation_id == Consultation.id,
        Participant.joined_at >= bindparam("since"),
    )
    .exists(),
)


def check_due(core: Core, give_way: Callable[[], None] = _give_way) -> list[LoggedEvent]:
    """The server clock's check: flags for every recently active consultation, giving
    way to the worker's other green threads between its reads (`all_signals`)."""
    thresholds = Thresholds.from_env()
    now = core.now()
    since = now - timedelta(minutes=max(thresholds.new_minutes, thresholds.ban_evasion_minutes))
    with core.store.reading() as tx:
        active = tx.scalars(_JOINED_LATELY, {"since": since}).all()
    return [event for cid in active for event in check(core, cid, thresholds, give_way)]


def check(
    core: Core,
    consultation_id: int,
    thresholds: Thresholds,
    give_way: Callable[[], None] = lambda: None,
) -> list[LoggedEvent]:
    """Raise or grow the flags one consultation's signals call for; the events logged."""
    now = core.now()
    with core.store.reading() as tx:
        signals = all_signals(tx, consultation_id, thresholds, now, give_way)
        if not signals or not _news(tx, consultation_id, signals):
            return []
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        if consultation is None or consultation.state == ENDED:
            return []
        # Again under the lock: another worker may have raised them meanwhile.
        drafts = [
            draft
            for signal in signals
            if (draft := _flag(tx, consultation_id, signal, now)) is not None
        ]
        return event_log.append(tx, consultation, None, drafts, now)


# Whom each flag names, about what: columns, not flags (every tick of a vote reads them).
_NAMED = select(IntegrityFlag.kind, IntegrityFlag.subject, IntegrityFlag.participant_ids).where(
    IntegrityFlag.consultation_id == bindparam("consultation_id")
)


def _named_by_subject(tx: Session, consultation_id: int) -> dict[str, set[int]]:
    """Everyone the consultation's flags name, by `kind|subject`."""
    named: dict[str, set[int]] = {}
    for kind, subject, people in tx.execute(_NAMED, {"consultation_id": consultation_id}):
        named.setdefault(f"{kind}|{subject}", set()).update(map(int, people))
    return named


def _news(tx: Session, consultation_id: int, signals: Iterable[Signal]) -> bool:
    """Whether any signal names someone no flag about its subject names yet."""
    named = _named_by_subject(tx, consultation_id)
    return any(
        set(signal.members) - named.get(f"{signal.kind}|{signal.subject}", set())
        for signal in signals
    )


def _covered(flags: Iterable[IntegrityFlag]) -> set[int]:
    return {int(person) for flag in flags for person in flag.participant_ids}


# Built once: each check runs it for every signal it finds (docs/performance.md, step 38).
_ABOUT = (
    select(IntegrityFlag)
    .where(
        IntegrityFlag.consultation_id == bindparam("consultation_id"),
        IntegrityFlag.kind == bindparam("kind"),
        IntegrityFlag.subject == bindparam("subject"),
    )
    .order_by(IntegrityFlag.id)
)


def _flag(tx: Session, consultation_id: int, signal: Signal, now: datetime) -> EventDraft | None:
    """Raise a flag for `signal`, or grow the open one about its subject; None if the
    flags about it already name everyone it names."""
    values = {"consultation_id": consultation_id, "kind": signal.kind, "subject": signal.subject}
    about = list(tx.scalars(_ABOUT, values))
    new = {person: moment for person, moment in signal.members.items()}
    for person in _covered(about):
        new.pop(person, None)
    if not new:
        return None
    growing = next((flag for flag in reversed(about) if flag.state in rules.GROWING), None)
    if growing is None:
        flag = IntegrityFlag(
            consultation_id=consultation_id,
            kind=signal.kind,
            subject=signal.subject,
            poll_id=signal.poll_id,
            question_id=signal.question_id,
            participant_ids=sorted(new),
            evidence=_evidence({}, new, signal),
            state=rules.OPEN,
            raised_at=now,
            updated_at=now,
            reason="",
        )
        tx.add(flag)
        tx.flush()
        return EventDraft("integrity_flag_raised", {"flag": dict(flag_view(tx, flag))}, STAFF)
    growing.participant_ids = sorted({*map(int, growing.participant_ids), *new})
    growing.evidence = _evidence(growing.evidence, new, signal)
    growing.updated_at = now
    return EventDraft("integrity_flag_updated", {"flag": dict(flag_view(tx, growing))}, STAFF)


def _evidence(before: dict[str, Any], new: dict[int, datetime], signal: Signal) -> dict[str, Any]:
    """How many, the first and last moment of their acts, and the signal's own details."""
    moments = sorted(new.values())
    first, last = iso(moments[0]), iso(moments[-1])
    if before.get("first"):
        first = min(before["first"], first)
        last = max(before["last"], last)
    count = int(before.get("count", 0)) + len(new)
    return {**signal.details, "count": count, "first": first, "last": last}


# ------------------------------------------------------------------ views


def flag_view(tx: Session, flag: IntegrityFlag) -> FlagView:
    """A flag as staff see it, with how many of its ballots and upvotes are excluded now."""
    return {
        "id": flag.id,
        "kind": flag.kind,
        "state": flag.state,
        "poll_id": flag.poll_id,
        "question_id": flag.question_id,
        "participant_ids": [int(person) for person in flag.participant_ids],
        "evidence": dict(flag.evidence),
        "raised_at": iso(flag.raised_at) or "",
        "updated_at": iso(flag.updated_at) or "",
        "decided_at": iso(flag.decided_at),
        "decided_by": flag.decided_by,
        "reason": flag.reason,
        "excluded_ballots": _count(tx, Ballot, flag.id),
        "excluded_votes": _count(tx, QuestionVote, flag.id),
    }


def _count(tx: Session, table: type[Ballot] | type[QuestionVote], flag_id: int) -> int:
    return tx.scalar(select(func.count()).where(table.excluded_by_flag == flag_id)) or 0


def integrity_snapshot(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> IntegrityPart | dict[str, Any]:
    """Staff see every flag, newest first; attendees and the present view nothing."""
    if viewer.role not in STAFF_ROLES:
        return {}
    flags = tx.scalars(
        select(IntegrityFlag)
        .where(IntegrityFlag.consultation_id == consultation.id)
        .order_by(IntegrityFlag.id.desc())
    ).all()
    return {"integrity": {"flags": [flag_view(tx, flag) for flag in flags]}}


# ------------------------------------------------------------------ decisions


def exclude_flagged(core: Core, viewer: Viewer, flag_id: Any, reason: Any) -> Outcome:
    """Leave the flag's ballots and upvotes out of every count and report (kept in the
    record, marked); staff hear `integrity_flag_excluded`, everyone new counts."""
    why = rules.parse_reason(reason, required=True)
    with _deciding(core, viewer) as uow:
        flag = find_flag(uow.tx, uow.consultation, flag_id)
        rules.check_can_exclude(flag.state)
        polls, questions = _mark(uow.tx, flag, flag.id)
        _decided(uow, flag, rules.EXCLUDED, why, "integrity_flag_excluded", polls, questions)
    return uow.outcome


def include_flagged(core: Core, viewer: Viewer, flag_id: Any, reason: Any) -> Outcome:
    """Count the flag's excluded ballots and upvotes again; staff hear
    `integrity_flag_included`."""
    why = rules.parse_reason(reason, required=True)
    with _deciding(core, viewer) as uow:
        flag = find_flag(uow.tx, uow.consultation, flag_id)
        rules.check_can_include(flag.state)
        polls, questions = _mark(uow.tx, flag, None)
        _decided(uow, flag, rules.INCLUDED, why, "integrity_flag_included", polls, questions)
    return uow.outcome


def dismiss_flag(core: Core, viewer: Viewer, flag_id: Any, reason: Any) -> Outcome:
    """Nothing to act on: the flag stays in the record, dismissed; staff hear
    `integrity_flag_dismissed`."""
    why = rules.parse_reason(reason, required=False)
    with _deciding(core, viewer) as uow:
        flag = find_flag(uow.tx, uow.consultation, flag_id)
        rules.check_can_dismiss(flag.state)
        _decided(uow, flag, rules.DISMISSED, why, "integrity_flag_dismissed", set(), set())
    return uow.outcome


def _deciding(core: Core, viewer: Viewer) -> AbstractContextManager[UnitOfWork]:
    # Allowed after the end too: the results are published from the record afterwards.
    return unit_of_work(core, viewer, {MODERATOR}, not_ended=False)


def find_flag(tx: Session, consultation: Consultation, flag_id: Any) -> IntegrityFlag:
    flag = tx.get(IntegrityFlag, flag_id) if as_id(flag_id) is not None else None
    if flag is None or flag.consultation_id != consultation.id:
        raise NotFound("unknown_flag", N_("This flag does not exist."))
    return flag


def _mark(tx: Session, flag: IntegrityFlag, value: int | None) -> tuple[set[int], set[int]]:
    """Mark the flag's ballots and upvotes excluded by it (`value` its id), or unmark
    those it excluded (None); the polls and questions whose counts change."""
    people = [int(person) for person in flag.participant_ids]
    ballots = select(Ballot.id, Ballot.poll_id).join(Poll, Poll.id == Ballot.poll_id)
    votes = select(QuestionVote.id, QuestionVote.question_id).join(
        Question, Question.id == QuestionVote.question_id
    )
    if value is None:
        ballots = ballots.where(Ballot.excluded_by_flag == flag.id)
        votes = votes.where(QuestionVote.excluded_by_flag == flag.id)
    else:
        ballots = ballots.where(
            Poll.consultation_id == flag.consultation_id,
            Ballot.participant_id.in_(people),
            Ballot.excluded_by_flag.is_(None),
        )
        votes = votes.where(
            Question.consultation_id == flag.consultation_id,
            QuestionVote.participant_id.in_(people),
            QuestionVote.excluded_by_flag.is_(None),
        )
        # A flag about one poll or question covers that one; one about people, all theirs.
        if flag.poll_id is not None:
            ballots = ballots.where(Ballot.poll_id == flag.poll_id)
            votes = votes.where(false())
        elif flag.question_id is not None:
            ballots = ballots.where(false())
            votes = votes.where(QuestionVote.question_id == flag.question_id)
    ballot_rows = tx.execute(ballots).all()
    vote_rows = tx.execute(votes).all()
    if ballot_rows:
        tx.execute(
            update(Ballot)
            .where(Ballot.id.in_([row[0] for row in ballot_rows]))
            .values(excluded_by_flag=value)
        )
    if vote_rows:
        tx.execute(
            update(QuestionVote)
            .where(QuestionVote.id.in_([row[0] for row in vote_rows]))
            .values(excluded_by_flag=value)
        )
    polls = {row[1] for row in ballot_rows}
    for poll in tx.scalars(select(Poll).where(Poll.id.in_(polls))):
        poll.revision += 1  # its cached tallies are stale
    return polls, {row[1] for row in vote_rows}


def _decided(
    uow: UnitOfWork,
    flag: IntegrityFlag,
    state: str,
    reason: str,
    kind: str,
    polls: set[int],
    questions: set[int],
) -> None:
    flag.state = state
    flag.reason = reason
    flag.decided_at = uow.now
    flag.decided_by = uow.actor.id
    for poll_id in sorted(polls):
        uow.recount(POLLS_TOPIC, poll_id)
    for question_id in sorted(questions):
        uow.recount(VOTES_TOPIC, question_id)
    uow.tx.flush()
    uow.log([EventDraft(kind, {"flag": dict(flag_view(uow.tx, flag)), "reason": reason}, STAFF)])
    uow.reply(flag_id=flag.id, state=state)
