"""Events: what a command appends to the log, and what each audience may read of it.

An event is *public* (attendees, the present view and staff see it) or *staff*
(moderators and rapporteurs only). Moderators read the payload as logged;
attendees and rapporteurs read it through a projection, so a feature can strip
what they must not see (an anonymous author, say) in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .wiring import Wiring

from .chatham import nameless

PUBLIC = "public"
STAFF = "staff"

ATTENDEE = "attendee"
MODERATOR = "moderator"
RAPPORTEUR = "rapporteur"
ROLES = (ATTENDEE, MODERATOR, RAPPORTEUR)
STAFF_ROLES = frozenset({MODERATOR, RAPPORTEUR})

Payload = dict[str, Any]
Projection = Callable[[Payload], Payload]


@dataclass(frozen=True)
class EventDraft:
    """An event a command wants appended; the log gives it its number and time."""

    type: str
    payload: Payload = field(default_factory=dict)
    visibility: str = PUBLIC
    # A quiet event is logged but not sent live: one per ballot or upvote is the
    # record, while the counts reach staff as coalesced tallies. Staff only.
    live: bool = True
    # False only for an event that changes no attendee's snapshot but for the head
    # count, which every snapshot reads afresh: a join, an arrival, a departure. A rush
    # of them keeps the views every attendee shares (core/shared_views.py).
    shared: bool = True


@dataclass(frozen=True)
class LoggedEvent:
    """An event as the log holds it."""

    consultation_id: int
    seq: int
    public_prev_seq: int | None
    visibility: str
    type: str
    payload: Payload
    actor_id: int | None
    actor_role: str
    created_at: datetime
    # Sent live, or quiet (logged only; see EventDraft.live).
    live: bool = True
    # For an event just logged to be sent live, the seq of the last one sent live
    # before it: staff detect gaps with it. None when read back from the log.
    live_prev_seq: int | None = None
    # Its consultation was under the Chatham House rule when it was sent (core/chatham.py):
    # attendees and the present view read it without names.
    chatham: bool = False

    def visible_to(self, role: str) -> bool:
        return self.visibility == PUBLIC or role in STAFF_ROLES

    def envelope(self, role: str, wiring: Wiring) -> Payload:
        """The event as sent to `role` (read through `wiring`'s projections): its number,
        the number before it, its data."""
        if role == ATTENDEE:
            prev = self.public_prev_seq
        else:
            prev = self.seq - 1 if self.live_prev_seq is None else self.live_prev_seq
        return {
            "seq": self.seq,
            "prev": prev,
            "type": self.type,
            "at": self.created_at.isoformat(),
            "data": self.data_for(role, wiring),
        }

    def data_for(self, role: str, wiring: Wiring) -> Payload:
        """The payload as `role` may read it: its projection, and no name for the public
        audience of a consultation under the Chatham House rule."""
        data = wiring.project(self.type, self.payload, role)
        return nameless(data) if self.chatham and role == ATTENDEE else data


def projecting(
    function: Projection, event_type: str, *roles: str
) -> dict[tuple[str, str], Projection]:
    """`Feature.projections` entries: `roles` read `event_type` through `function`."""
    return {(event_type, role): function for role in roles}
