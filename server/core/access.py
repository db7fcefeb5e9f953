"""Who is acting: secret tokens, viewers, and the role check every command makes.

Tokens are random, shown once, and stored only as SHA-256 hashes; a lookup by
hash is the comparison, so no token is ever compared character by character.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .errors import N_, DomainError, Forbidden, NotFound
from .events import ATTENDEE
from .models import Consultation, Invitation, Participant, RoleLink
from .runtime import Core

# The cookie holding a participant's token, one per consultation (pages and Socket.IO read it).
COOKIE = "bz_{code}"


@dataclass(frozen=True)
class Viewer:
    """An authenticated person in one consultation."""

    consultation_id: int
    participant_id: int
    role: str


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The digest a token is stored and looked up by; any text, even a lone surrogate
    (JSON's `"\\ud800"`), hashes, so a bad token is simply one that matches nothing."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# The statements of the way in, built once: building one costs more CPU than running it
# (docs/performance.md, "What a statement costs").
_BY_TOKEN = select(Participant).where(Participant.token_hash == bindparam("digest"))
_LOCKED = select(Consultation).where(Consultation.id == bindparam("id")).with_for_update()


def find_participant(tx: Session, token: object) -> Participant:
    """The participant holding `token`, if their access still stands."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Forbidden("invalid_token", N_("This link or session is not valid."))
    digest = hash_token(token)
    participant = tx.scalar(_BY_TOKEN, {"digest": digest})
    if participant is None or not hmac.compare_digest(participant.token_hash, digest):
        raise Forbidden("invalid_token", N_("This link or session is not valid."))
    check_link_standing(tx, participant)
    return participant


def ban_refusal() -> Forbidden:
    """The refusal of someone a moderator removed: one code and one message wherever the
    ban is met (a command, a join from their device, their invitation)."""
    return Forbidden("banned", N_("A moderator has removed you from this consultation."))


def check_link_standing(tx: Session, participant: Participant) -> None:
    """Refuse a participant whose staff link or invitation was revoked."""
    if participant.invitation_id is not None:
        invitation = tx.get(Invitation, participant.invitation_id)
        if invitation is None or invitation.revoked_at is not None:
            if participant.banned_at is not None:
                raise ban_refusal()
            raise Forbidden("invitation_revoked", N_("This invitation has been revoked."))
    if participant.role_link_id is None:
        return
    link = tx.get(RoleLink, participant.role_link_id)
    if link is None or link.revoked_at is not None:
        raise Forbidden("link_revoked", N_("This link has been revoked; ask for the new one."))


def viewer_of(participant: Participant) -> Viewer:
    return Viewer(participant.consultation_id, participant.id, participant.role)


def identify(core: Core, token: object, join_code: object = None) -> Viewer:
    """The viewer holding `token` (`None`: none was sent), for the entry points.

    With `join_code`, the token must belong to that consultation: a page or a
    connection of one consultation never opens for another's token (a browser
    holds one cookie per consultation; a page of A connecting with B's token
    would otherwise silently get B's stream).
    """
    if token is None:
        raise Forbidden("not_authenticated", N_("Join the consultation first."))
    with core.store.reading() as tx:
        participant = find_participant(tx, token)
        if join_code is not None:
            consultation = tx.get_one(Consultation, participant.consultation_id)
            if consultation.join_code != normalise_join_code(join_code):
                raise Forbidden("forbidden", N_("This link is for another consultation."))
        return viewer_of(participant)


def confirm(core: Core, viewer: Viewer) -> None:
    """Refuse a viewer whose access ended after it connected (its link revoked)."""
    with core.store.reading() as tx:
        participant = tx.get(Participant, viewer.participant_id)
        if participant is None:
            raise Forbidden("invalid_token", N_("This link or session is not valid."))
        check_link_standing(tx, participant)


def open_command(
    tx: Session, viewer: Viewer, roles: Collection[str]
) -> tuple[Consultation, Participant]:
    """Lock the consultation for a command and check that the actor may give it.

    The row lock serialises commands per consultation (PostgreSQL `FOR UPDATE`;
    SQLite's `BEGIN IMMEDIATE` already serialises writers), which is what keeps
    the sequence numbers gap-free and the agenda consistent.
    """
    consultation = locked_consultation(tx, viewer.consultation_id)
    participant = tx.get(Participant, viewer.participant_id)
    if participant is None:
        raise NotFound("unknown_consultation", N_("This consultation does not exist."))
    check_actor(tx, consultation, participant, roles)
    return consultation, participant


# Where a session keeps the consultations it locked (`Session.info`).
_LOCKED_HERE = "locked_consultations"


def lock_consultation(tx: Session, consultation_id: int) -> Consultation | None:
    """The consultation, locked for this transaction's command(s).

    Locked once: the session keeps it until the transaction ends, and a second
    call returns it as it is. A session holds unchanged objects only weakly, so
    each command of a group commit locked and loaded the row again, and its
    agenda with it; under the lock nobody else changes them.
    """
    held: dict[int, Consultation] = tx.info.setdefault(_LOCKED_HERE, {})
    if consultation_id in held:
        return held[consultation_id]
    consultation = tx.scalar(_LOCKED, {"id": consultation_id})
    if consultation is not None:
        held[consultation_id] = consultation
    return consultation


def forget_locked(tx: Session) -> None:
    """Let go of the consultations `tx` keeps, after a savepoint rolled back: on
    PostgreSQL that also released a lock taken in it, so they are read afresh."""
    tx.info.pop(_LOCKED_HERE, None)


def locked_consultation(tx: Session, consultation_id: int) -> Consultation:
    """The consultation, locked; refuse if it does not exist."""
    consultation = lock_consultation(tx, consultation_id)
    if consultation is None:
        raise NotFound("unknown_consultation", N_("This consultation does not exist."))
    return consultation


# Who may take part (features/invitations): a consultation is open (anyone with the join
# code) or invited (`settings.invitations.mode`). In an invited one, an attendee who came
# without an invitation — a walk-in — may watch, and give only the commands that list
# WALK_IN among their roles, or WALK_IN_ASKING if the moderator lets walk-ins ask.
OPEN, INVITED = "open", "invited"
WALK_IN = "walk_in"
WALK_IN_ASKING = "walk_in_asking"
INVITATIONS_KEY = "invitations"


def participation(settings: dict[str, Any]) -> tuple[str, bool]:
    """A consultation's mode (open or invited) as its settings say, and whether walk-ins
    may ask."""
    part = (settings or {}).get(INVITATIONS_KEY)
    if not isinstance(part, dict):
        return OPEN, False
    mode = INVITED if part.get("mode") == INVITED else OPEN
    return mode, part.get("walk_in_questions") is True


def is_walk_in(consultation: Consultation, participant: Participant) -> bool:
    """An attendee of an invited consultation who came with the join code, not an invitation."""
    return (
        participant.role == ATTENDEE
        and participant.invitation_id is None
        and participation(consultation.settings)[0] == INVITED
    )


def check_actor(
    tx: Session, consultation: Consultation, participant: Participant, roles: Collection[str]
) -> None:
    """Refuse a participant whose link was revoked, whose role may not act, who was banned,
    or who walked in to an invited consultation (unless the command lets walk-ins give it)."""
    check_link_standing(tx, participant)
    if participant.role not in roles:
        raise Forbidden("forbidden", N_("Your role cannot do this."))
    if participant.banned_at is not None:
        raise ban_refusal()
    if is_walk_in(consultation, participant) and not _walk_ins_may(consultation, roles):
        raise Forbidden(
            "invitation_required", N_("Only invited participants can do this; you may watch.")
        )


def _walk_ins_may(consultation: Consultation, roles: Collection[str]) -> bool:
    return WALK_IN in roles or (WALK_IN_ASKING in roles and participation(consultation.settings)[1])


def normalise_join_code(value: Any) -> str:
    if not isinstance(value, str):
        raise DomainError("invalid_join_code", N_("The join code must be text."))
    return re.sub(r"[\s-]", "", value).upper()
