"""The question queue's tables: questions, one row per vote, one quota row per asker.

A fully anonymous question has no author column value, and nothing else points
from it to a person: the asker's quota row holds a count and a time, not
question ids, and the ask event is logged without an actor id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base

# Rows an integrity flag left out (features/integrity): few, and each flag counts its own.
_FLAGGED = text("excluded_by_flag IS NOT NULL")


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_consultation_state", "consultation_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    # None when the question is fully anonymous: the author is not stored at all.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), index=True)
    anonymity: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    pinned: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[str] = mapped_column(Text, default="")
    dismiss_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    # SHA-256 of the receipt the asker's client keeps: how a fully anonymous
    # author finds their own question again without the server knowing them.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]


class QuestionVote(Base):
    """One person's vote for one question; the unique pair is what makes counts exact."""

    __tablename__ = "question_votes"
    __table_args__ = (
        UniqueConstraint("question_id", "participant_id"),
        # A flag's upvotes, as its ballots (polls/models.py).
        Index(
            "ix_question_votes_excluded_by_flag",
            "excluded_by_flag",
            sqlite_where=_FLAGGED,
            postgresql_where=_FLAGGED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    created_at: Mapped[datetime]
    # The integrity flag whose upvotes a moderator left out of the counts (features/
    # integrity): the row stays, the vote no longer counts.
    excluded_by_flag: Mapped[int | None]


class QuestionQuota(Base):
    """How many questions a person has asked and when they last did — never which ones."""

    __tablename__ = "question_quotas"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    asked: Mapped[int] = mapped_column(default=0)
    last_asked_at: Mapped[datetime | None]
