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
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, Select, bindparam, select
from sqlalchemy.orm import Session

from .errors import N_, DomainError, Forbidden, NotFound
from .events import ATTENDEE
from .models import Consultation, Invitation, Participant, RoleLink
from .runtime import Core
from .store import columns_by_id

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


# Who holds a token (or an id), whether their access still stands, and what else the way
# in needs of their consultation: one Core statement, built once (docs/performance.md,
# "What a statement costs"). Every connection and reconnection runs it.
def standing_query(*columns: Any) -> Select[*tuple[Any, ...]]:
    """A person's standing (see `check_standing`) with `columns` of their consultation."""
    return with_links(
        select(
            Participant.id,
            Participant.consultation_id,
            Participant.role,
            Participant.token_hash,
            Participant.banned_at,
            Participant.invitation_id,
            Participant.role_link_id,
            *columns,
        ).join(Consultation, Consultation.id == Participant.consultation_id)
    )


def with_links(statement: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """`statement`, which reads a person, with what `check_standing` reads of their
    invitation and staff link (none for a person who came by the join code)."""
    return (
        statement.add_columns(
            Invitation.revoked_at.label("invitation_revoked_at"),
            Invitation.id.label("invitation_found"),
            RoleLink.revoked_at.label("link_revoked_at"),
            RoleLink.id.label("link_found"),
        )
        .outerjoin(Invitation, Invitation.id == Participant.invitation_id)
        .outerjoin(RoleLink, RoleLink.id == Participant.role_link_id)
    )


_BY_TOKEN = standing_query(Consultation.join_code).where(
    Participant.token_hash == bindparam("digest")
)
_BY_ID = standing_query().where(Participant.id == bindparam("id"))
_LOCKED = select(Consultation).where(Consultation.id == bindparam("id")).with_for_update()


def _holder(connection: Connection, token: object) -> Row[Any]:
    """The standing of the participant holding `token` (`standing_query`, with the
    consultation's join code), if their access still stands."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Forbidden("invalid_token", N_("This link or session is not valid."))
    digest = hash_token(token)
    row = connection.execute(_BY_TOKEN, {"digest": digest}).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise Forbidden("invalid_token", N_("This link or session is not valid."))
    check_standing(row)
    return row


def ban_refusal() -> Forbidden:
    """The refusal of someone a moderator removed: one code and one message wherever the
    ban is met (a command, a join from their device, their invitation)."""
    return Forbidden("banned", N_("A moderator has removed you from this consultation."))


def check_link_standing(tx: Session, participant: Participant) -> None:
    """Refuse a participant whose staff link or invitation was revoked."""
    invitation = (
        None if participant.invitation_id is None else tx.get(Invitation, participant.invitation_id)
    )
    link = None if participant.role_link_id is None else tx.get(RoleLink, participant.role_link_id)
    _refuse_fallen(
        invited=participant.invitation_id is not None,
        invitation_stands=invitation is not None and invitation.revoked_at is None,
        banned=participant.banned_at is not None,
        linked=participant.role_link_id is not None,
        link_stands=link is not None and link.revoked_at is None,
    )


def check_standing(row: Row[Any]) -> None:
    """`check_link_standing` for a row of `standing_query` (or of `with_links`, with the
    person's ban, invitation and staff link)."""
    _refuse_fallen(
        invited=row.invitation_id is not None,
        invitation_stands=row.invitation_found is not None and row.invitation_revoked_at is None,
        banned=row.banned_at is not None,
        linked=row.role_link_id is not None,
        link_stands=row.link_found is not None and row.link_revoked_at is None,
    )


def _refuse_fallen(
    *, invited: bool, invitation_stands: bool, banned: bool, linked: bool, link_stands: bool
) -> None:
    """The rule both checks apply: a revoked invitation (a ban revokes it too), a
    revoked staff link."""
    if invited and not invitation_stands:
        if banned:
            raise ban_refusal()
        raise Forbidden("invitation_revoked", N_("This invitation has been revoked."))
    if linked and not link_stands:
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
    with core.store.reading_rows() as connection:
        row = _holder(connection, token)
    if join_code is not None and row.join_code != normalise_join_code(join_code):
        raise Forbidden("forbidden", N_("This link is for another consultation."))
    return Viewer(row.consultation_id, row.id, row.role)


def confirm(core: Core, viewer: Viewer) -> None:
    """Refuse a viewer whose access ended after it connected (its link revoked)."""
    with core.store.reading_rows() as connection:
        row = connection.execute(_BY_ID, {"id": viewer.participant_id}).first()
    if row is None:
        raise Forbidden("invalid_token", N_("This link or session is not valid."))
    check_standing(row)


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
    PostgreSQL that also released a lock taken in it, so they are read afresh. Their
    counters were written without the session knowing (core/counters.py): expired here,
    they are read again too."""
    for consultation in tx.info.pop(_LOCKED_HERE, {}).values():
        tx.expire(consultation)


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


class Standing(Protocol):
    """What `check_actor`'s rules read of a person past their link: a `Participant`, or
    their row of `standing_query` (a batch's, `standings_of`)."""

    @property
    def role(self) -> str: ...
    @property
    def banned_at(self) -> datetime | None: ...
    @property
    def invitation_id(self) -> int | None: ...


def is_walk_in(consultation: Consultation, participant: Standing) -> bool:
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
    _check_may_act(consultation, participant, roles)


# A batch's people with their invitations and staff links, in one statement: checked one
# by one, each invited voter's invitation was a statement of its own (250 a batch of
# upvotes in an invited consultation; docs/performance.md, step 83).
_STANDINGS = standing_query().where(Participant.id.in_(bindparam("ids", expanding=True)))


def standings_of(tx: Session, ids: Collection[int]) -> dict[int, Row[Any]]:
    """The standing (`standing_query`) of each of these participants, by id: a batch's
    actors as rows (`check_batch_actor`), lighter than objects (docs/performance.md, step 84)."""
    return columns_by_id(tx, _STANDINGS, ids)


def check_batch_actor(
    consultation: Consultation, standing: Row[Any], roles: Collection[str]
) -> None:
    """`check_actor` for one of a batch's actors, from their row (`standings_of`)."""
    check_standing(standing)
    _check_may_act(consultation, standing, roles)


def _check_may_act(
    consultation: Consultation, participant: Standing, roles: Collection[str]
) -> None:
    """`check_actor`'s rules past the participant's link: their role, a ban, a walk-in."""
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
