"""Polls and their ballots: one ballot row per person and poll, kept unique by the database."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    false,
    func,
    or_,
    select,
    text,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from server.core.base import Base
from server.core.models import Participant

# Rows an integrity flag left out (features/integrity): few, and each flag counts its own.
_FLAGGED = text("excluded_by_flag IS NOT NULL")


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(12))
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[Any]] = mapped_column(default=list)
    max_choices: Mapped[int | None]
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    low_label: Mapped[str] = mapped_column(String(40), default="")
    high_label: Mapped[str] = mapped_column(String(40), default="")
    visibility: Mapped[str] = mapped_column(String(12))
    allow_change: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    # Bumped whenever the results could change: computed tallies are cached by it.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Ballot(Base):
    """One person's answer to one poll; changing it updates this row."""

    __tablename__ = "poll_ballots"
    __table_args__ = (
        UniqueConstraint("poll_id", "participant_id"),
        # A flag's ballots, counted by every moderator's snapshot: the few marked rows
        # alone, not every ballot of every consultation (migration 0021).
        Index(
            "ix_poll_ballots_excluded_by_flag",
            "excluded_by_flag",
            sqlite_where=_FLAGGED,
            postgresql_where=_FLAGGED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    answer: Mapped[Any] = mapped_column(JSON)
    # Open text only: whether the moderator shows this answer to everyone.
    shown: Mapped[bool] = mapped_column(default=False)
    # Word cloud and open text: a moderator left this answer out of the results (it
    # stays in the full record and the archive).
    excluded: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The integrity flag whose ballots a moderator left out of the results (any poll
    # kind; features/integrity): the row stays, marked with the flag's id.
    excluded_by_flag: Mapped[int | None]
    cast_at: Mapped[datetime]
    changed_at: Mapped[datetime]


def insert_ballot(
    tx: Session, poll_id: int, participant_id: int, answer: Any, now: datetime
) -> bool:
    """Insert a first ballot; False (and nothing written) if this person already has one."""
    dialect = postgresql if tx.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Ballot)
        .values(
            poll_id=poll_id,
            participant_id=participant_id,
            answer=answer,
            shown=False,
            excluded=False,
            cast_at=now,
            changed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["poll_id", "participant_id"])
    )
    return cast(CursorResult[Any], tx.execute(statement)).rowcount == 1


def ballot_of(tx: Session, poll_id: int, participant_id: int) -> Ballot | None:
    return tx.scalar(
        select(Ballot).where(Ballot.poll_id == poll_id, Ballot.participant_id == participant_id)
    )


def ballot_rows(tx: Session, poll_id: int) -> Sequence[tuple[int, Any, str, str, bool, bool]]:
    """Every ballot of a poll: id, answer, the voter's group and country, shown, excluded
    (by a moderator, the answer itself or its integrity flag); latest first."""
    rows = tx.execute(
        select(
            Ballot.id,
            Ballot.answer,
            Participant.stakeholder_group,
            Participant.country,
            Ballot.shown,
            Ballot.excluded,
            Ballot.excluded_by_flag,
        )
        .join(Participant, Participant.id == Ballot.participant_id)
        .where(Ballot.poll_id == poll_id)
        .order_by(Ballot.changed_at.desc(), Ballot.id.desc())
    )
    return [
        (row[0], row[1], row[2], row[3], row[4], bool(row[5]) or row[6] is not None) for row in rows
    ]


# A choice poll's ballots, one row per answer alike from voters alike (group, country)
# and alike in exclusion: a few hundred rows for thousands of ballots. Grouped on the
# answer's stored text, as PostgreSQL's json has no equality; the same answer is always
# written the same way, and two spellings of one would only be two rows. Built once.
_ANSWER_TEXT = sa_cast(Ballot.answer, Text)
_EXCLUDED = or_(Ballot.excluded, Ballot.excluded_by_flag.is_not(None))
_CHOICE_ROWS = (
    select(
        func.min(Ballot.id),
        _ANSWER_TEXT,
        Participant.stakeholder_group,
        Participant.country,
        _EXCLUDED,
        func.count(),
    )
    .join(Participant, Participant.id == Ballot.participant_id)
    .where(Ballot.poll_id == bindparam("poll_id"))
    .group_by(_ANSWER_TEXT, Participant.stakeholder_group, Participant.country, _EXCLUDED)
)


def choice_rows(tx: Session, poll_id: int) -> Sequence[tuple[int, Any, str, str, bool, bool, int]]:
    """A choice poll's ballots as `ballot_rows` gives them (never shown), alike ones in one
    row with their number last; an answer that is not JSON reads as None (unreadable)."""
    rows = tx.execute(_CHOICE_ROWS, {"poll_id": poll_id})
    return [(row[0], _decoded(row[1]), row[2], row[3], False, bool(row[4]), row[5]) for row in rows]


def _decoded(stored: str | None) -> Any:
    try:
        return None if stored is None else json.loads(stored)
    except ValueError:
        return None


def answers_of(tx: Session, participant_id: int, poll_ids: Collection[int]) -> dict[int, Any]:
    """One person's answers to the given polls."""
    if not poll_ids:
        return {}
    rows = tx.execute(
        select(Ballot.poll_id, Ballot.answer).where(
            Ballot.participant_id == participant_id, Ballot.poll_id.in_(poll_ids)
        )
    )
    return {poll_id: answer for poll_id, answer in rows}
