"""What a consultation has published: its public link and whether each page is on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base


class Publication(Base):
    """One consultation's public pages: made when staff first publish, kept after.

    `public_id` is the unguessable part of both public addresses (the report's,
    `/p/<public_id>`, and the moderation page's, `/p/<public_id>/moderation`): not the
    join code, which is on every screen, nor anything that counts. Withdrawing a page
    keeps the id, so publishing again brings the same link back.
    """

    __tablename__ = "publications"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id"), primary_key=True, autoincrement=False
    )
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    report_published_at: Mapped[datetime | None]
    moderation_published_at: Mapped[datetime | None]
