"""The speakers' queue in the database, so every worker sees the same queue and clock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base

_SPEAKING = text("state = 'speaking'")
_OPEN = text("state IN ('waiting', 'speaking')")


class SpeakerHand(Base):
    """One request to speak on one agenda item, and the turn it may become."""

    __tablename__ = "speaker_hands"
    __table_args__ = (
        # One person holds the floor per consultation, whatever the workers do.
        Index(
            "uq_speaker_hands_floor",
            "consultation_id",
            unique=True,
            sqlite_where=_SPEAKING,
            postgresql_where=_SPEAKING,
        ),
        # One open hand per person and item: raising twice is refused, not queued.
        Index(
            "uq_speaker_hands_open",
            "participant_id",
            "item_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index("ix_speaker_hands_consultation_state", "consultation_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"))
    topic: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(10), default="waiting")
    requested_at: Mapped[datetime]
    spoke_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The limit in force when the floor was given; a later change of the setting
    # does not move a running clock (extensions do).
    limit_seconds: Mapped[int] = mapped_column(default=0)
    extra_seconds: Mapped[int] = mapped_column(default=0)
    overrun_logged: Mapped[bool] = mapped_column(default=False)


class ClosedSpeakerList(Base):
    """An agenda item whose list of speakers takes no new names."""

    __tablename__ = "closed_speaker_lists"

    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    closed_at: Mapped[datetime]
