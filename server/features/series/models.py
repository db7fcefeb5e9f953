"""A series' tables: the series, its organiser links, its shared items and polls, its
consultations, and the keys that tie each consultation's items and polls to the series.

The comparison reads the consultations' own rows (polls, ballots, questions, turns,
participants) through these keys: nothing of their results is copied here.
A key row points at a poll by id without a foreign key: a region may delete a
draft poll it does not want, and the comparison then finds the key dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.base import Base


class Series(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    aims: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]


class OrganiserLink(Base):
    """The secret link that manages a series and every consultation of it (stored hashed)."""

    __tablename__ = "series_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SeriesItem(Base):
    """A shared agenda item: the title every region starts from, under a stable key."""

    __tablename__ = "series_items"
    __table_args__ = (UniqueConstraint("series_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    planned_minutes: Mapped[int]


class SeriesPoll(Base):
    """A poll of the bank: its definition as an agenda file gives it, its options keyed."""

    __tablename__ = "series_polls"
    __table_args__ = (UniqueConstraint("series_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    key: Mapped[str] = mapped_column(String(80))
    item_key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    definition: Mapped[dict[str, Any]]
    option_keys: Mapped[list[Any]]


class SeriesMember(Base):
    """A consultation of the series (a consultation belongs to one series at most)."""

    __tablename__ = "series_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), unique=True)
    # A draft whose date is not known yet: its start is a placeholder, marked so.
    dates_unknown: Mapped[bool] = mapped_column(default=False)
    # Ready-made data to show what a comparison looks like, labelled as such everywhere.
    sample: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime]


class KeyedItem(Base):
    """One consultation's agenda item that is a shared item of its series."""

    __tablename__ = "series_item_keys"
    __table_args__ = (UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    key: Mapped[str] = mapped_column(String(80))


class KeyedPoll(Base):
    """One consultation's poll that is a shared poll; `option_keys[i]` keys its i-th option.

    `options_keyed` are the poll's options when they were keyed: once a moderator edits
    them, the keys may no longer say which is which, and the comparison leaves the
    region's results out (`not_comparable`) until the poll is keyed again (`key_poll`).
    """

    __tablename__ = "series_poll_keys"
    __table_args__ = (UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    poll_id: Mapped[int] = mapped_column(unique=True)
    key: Mapped[str] = mapped_column(String(80))
    option_keys: Mapped[list[Any]]
    options_keyed: Mapped[list[Any]]
