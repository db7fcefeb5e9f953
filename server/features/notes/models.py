"""Rapporteurs' notes: the latest text of each note of a consultation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base

GENERAL_SLOT = 0


class Note(Base):
    """One note: an agenda item's, or the general one (no item).

    `slot` is the item's id, or 0 for the general note, so that one unique
    constraint covers both (NULLs are never equal in a unique constraint).
    """

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("consultation_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    slot: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    # The server's count of changes; the log has recorded up to `logged_revision`.
    # Revisions are 64-bit like the writer's own (below), which comes from a browser's
    # clock (`Date.now()`) and may be up to 2^53 - 1.
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    logged_revision: Mapped[int] = mapped_column(BigInteger, default=0)
    logged_at: Mapped[datetime | None]
    # The last writer and their own revision number (stale saves are refused).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    client_revision: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]
