"""The wire shapes of invitations: the registration list as staff read it, and the
snapshot's `participation` part."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class InvitationView(TypedDict):
    """One person of the registration list, with their personal link (a path: `/i/<token>`)."""

    invitation_id: int
    display_name: str
    email: str
    stakeholder_group: str
    country: str
    language: str
    link: str
    participant_id: int | None
    revoked: bool


class ParticipationView(TypedDict):
    """Open or invited; whether walk-ins may ask; whether this viewer walked in, and
    whether they came with the join code (an attendee without an invitation: a walk-in
    whenever the consultation is invited). Staff also read the turnout and which
    attendees walked in."""

    mode: str
    walk_in_questions: bool
    walk_in: bool
    came_with_code: bool
    invited: NotRequired[int]
    joined_invited: NotRequired[int]
    joined_walk_ins: NotRequired[int]
    walk_ins: NotRequired[list[int]]


class ParticipationPart(TypedDict):
    participation: ParticipationView
