"""The foundation's tables: consultations, their agenda, people, links and event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    scheduled_start: Mapped[datetime]
    planned_minutes: Mapped[int] = mapped_column(default=90)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # Sequence counters of the event log; bumped under the row lock of a command.
    last_seq: Mapped[int] = mapped_column(default=0)
    last_public_seq: Mapped[int] = mapped_column(default=0)
    # The last event sent live (not a quiet one): staff detect gaps against it.
    last_live_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # The last event that may change what attendees share (EventDraft.shared).
    last_shared_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # The head count: people connected now, and the attendees among them (a poll's
    # turnout), kept by the arrivals and departures under the row lock.
    present: Mapped[int] = mapped_column(default=0, server_default="0")
    attendees_present: Mapped[int] = mapped_column(default=0, server_default="0")
    peak_present: Mapped[int] = mapped_column(default=0)
    # When its names were erased, its retention period over (features/consultations/retention.py).
    personal_data_erased_at: Mapped[datetime | None]
    # Feature settings (anonymity, moderation mode, limits…) — documented in docs/api.md.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="consultation", order_by="AgendaItem.position", cascade="all"
    )


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    planned_minutes: Mapped[int]
    extra_seconds: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    first_started_at: Mapped[datetime | None]
    last_ended_at: Mapped[datetime | None]
    # An item can be revisited ("go back"): time accumulates across runs.
    run_started_at: Mapped[datetime | None]
    elapsed_before: Mapped[int] = mapped_column(default=0)
    overrun_logged: Mapped[bool] = mapped_column(default=False)

    consultation: Mapped[Consultation] = relationship(back_populates="items")


class RoleLink(Base):
    """A secret link that makes whoever opens it a moderator or a rapporteur."""

    __tablename__ = "role_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Invitation(Base):
    """A person on a consultation's registration list, and their personal link.

    The link's token is never stored: it is derived from the secret key and `salt`
    (features/invitations/service.py, `link_token`), and looked up by its hash like every token.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(2), default="")
    language: Mapped[str] = mapped_column(String(5))
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Why it was revoked: "revoked" by staff, or "banned" with its person (lifted by an unban).
    revoked_reason: Mapped[str] = mapped_column(String(10), default="")


_BANNED = text("banned_at IS NOT NULL")


class Participant(Base):
    __tablename__ = "participants"
    # A join asks whether its device is banned from the consultation: one seek, not a
    # walk through everyone who joined it (docs/performance.md, third round, step 42).
    # The index serves what looks people up by consultation alone too.
    __table_args__ = (
        Index("ix_participants_consultation_device", "consultation_id", "device_hash"),
        # The integrity check's newcomers (those who joined in the last minutes) and its
        # banned people: sought, not walked through (migration 0022).
        Index("ix_participants_consultation_joined", "consultation_id", "joined_at"),
        Index(
            "ix_participants_banned",
            "consultation_id",
            sqlite_where=_BANNED,
            postgresql_where=_BANNED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    role: Mapped[str] = mapped_column(String(12))
    display_name: Mapped[str] = mapped_column(String(60), default="")
    stakeholder_group: Mapped[str] = mapped_column(String(30), default="other")
    country: Mapped[str] = mapped_column(String(2), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role_link_id: Mapped[int | None] = mapped_column(ForeignKey("role_links.id"))
    joined_at: Mapped[datetime]
    banned_at: Mapped[datetime | None]
    # The hash of the device cookie the attendee joined with: a ban covers the device.
    device_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # A keyed hash of the client address the attendee joined from (integrity flags:
    # joins in bursts, ban evasion); personal data, erased with the names.
    address_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    # The invitation this person came in by (an invited consultation): one person, however
    # many devices open the link.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), unique=True)
    # When the person accepted the privacy notice, and which text (its version, a digest):
    # None for staff and for those a JSON client joined without `consent: true`.
    consented_at: Mapped[datetime | None]
    privacy_notice_version: Mapped[str | None] = mapped_column(String(64))


class Connection(Base):
    """A live Socket.IO connection; presence and attendance are counted from these."""

    __tablename__ = "connections"
    # The room counted (who is connected, each person once: a restarted worker's recount,
    # the check of the kept head count under test) from the index alone, in its order:
    # no table rows, no temporary B-tree (docs/performance.md, steps 42 and 58).
    __table_args__ = (
        Index("ix_connections_consultation_participant", "consultation_id", "participant_id"),
    )

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    worker: Mapped[str] = mapped_column(String(64))
    connected_at: Mapped[datetime]


class Event(Base):
    """One entry of a consultation's log: the source of truth for live updates."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("consultation_id", "seq"),
        # The last event of a type (what the screen shows, say) is one step away,
        # however long the log has grown.
        Index("ix_events_consultation_type_seq", "consultation_id", "type", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    seq: Mapped[int]
    # For public events, the seq of the public event before it: attendees see
    # only public events and detect a gap by comparing this with what they hold.
    public_prev_seq: Mapped[int | None]
    visibility: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    actor_role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
