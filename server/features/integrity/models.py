"""Integrity flags: what the server noticed about how people joined and voted, for staff.

A flag never removes anything. It names the attendees concerned and its evidence;
a moderator may exclude their ballots and upvotes from the results (the rows stay,
marked with the flag that excluded them: `poll_ballots.excluded_by_flag`,
`question_votes.excluded_by_flag`), include them again, or dismiss the flag.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base


class IntegrityFlag(Base):
    __tablename__ = "integrity_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    # join_burst, identical_votes, late_ballots, ban_evasion (rules.py).
    kind: Mapped[str] = mapped_column(String(20))
    # What the flag is about, so that a signal still going on grows its open flag
    # instead of raising another: "address:<hash>", "poll:<id>:<answer>", "question:<id>"…
    subject: Mapped[str] = mapped_column(String(200))
    poll_id: Mapped[int | None]
    question_id: Mapped[int | None]
    # The attendees concerned, and what the server saw (counts, times), as staff read it.
    participant_ids: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # open, dismissed, excluded.
    state: Mapped[str] = mapped_column(String(10), default="open")
    raised_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
