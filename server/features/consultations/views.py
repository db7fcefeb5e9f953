"""The consultation's wire shapes: what a client reads of a consultation, of a person, and
the snapshot it starts from."""

from __future__ import annotations

from typing import TypedDict

from server.features.agenda.views import AgendaView


class ConsultationView(TypedDict):
    """A consultation as every client and page reads it."""

    id: int
    short_name: str
    title: str
    region: str
    description: str
    time_zone: str
    scheduled_start: str
    planned_minutes: int
    languages: list[str]
    state: str
    join_code: str
    started_at: str | None
    ended_at: str | None
    # Under the Chatham House rule: attendees and the present view read no name.
    chatham_house: bool


class ProfileView(TypedDict):
    """A participant as the others may see them (no token, no link)."""

    participant_id: int
    role: str
    display_name: str
    stakeholder_group: str
    country: str


class SnapshotView(TypedDict):
    """What every snapshot holds; each feature's part adds its own keys (its `*Part`)."""

    seq: int
    server_time: str
    consultation: ConsultationView
    agenda: AgendaView
    me: ProfileView
    present: int
