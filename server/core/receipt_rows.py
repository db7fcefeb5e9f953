"""Receipts of commands sent with a client command id: a retry takes effect once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CommandReceipt(Base):
    """One command a participant sent with an id, and the acknowledgement it got.

    The row is written in the command's own transaction, so the effect and the
    receipt commit together or not at all. The client's id is kept only as a
    hash and the acknowledgement only sealed with it (it may hold a new link).
    """

    __tablename__ = "command_receipts"
    __table_args__ = (UniqueConstraint("participant_id", "command_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    command_key: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(60))
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
