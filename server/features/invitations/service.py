"""Invitations: importing a registration list, personal links, revoking, the mode.

A personal link is `/i/<token>`. The token is not stored: it is the HMAC of the
server's secret key and the invitation's random salt (so organisers can export
the links again for a mail merge, while a copy of the database alone opens none),
and it is looked up by its SHA-256 hash like every token. Whoever opens the link
becomes the invited person — the same participant on every device, as the
participant's token is the link's. Changing the secret key changes every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.core.access import (
    INVITED,
    Viewer,
    ban_refusal,
    hash_token,
    is_walk_in,
    locked_consultation,
    viewer_of,
)
from server.core.errors import N_, Conflict, Forbidden, NotFound
from server.core.events import (
    ATTENDEE,
    MODERATOR,
    PUBLIC,
    STAFF,
    STAFF_ROLES,
    EventDraft,
    LoggedEvent,
)
from server.core.ids import as_id
from server.core.models import Consultation, Invitation, Participant
from server.core.runtime import Core
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.consultations.rules import ConsultationSpec
from server.features.consultations.service import (
    Admitted,
    Consent,
    admit_people,
    check_device_not_banned,
)

from . import rules
from .views import InvitationView, ParticipationPart, ParticipationView

REVOKED, BANNED = "revoked", "banned"


def link_token(secret: str, salt: str) -> str:
    """The personal link's token of the invitation with `salt`, under the secret key."""
    digest = hmac.new(secret.encode(), b"baraza-invitation:" + salt.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


# -- staff -------------------------------------------------------------------------


def import_list(core: Core, viewer: Viewer, data: bytes, secret: str) -> Outcome:
    """A moderator imports a registration list: every row, or none (`invalid_registration_list`
    naming each wrong line). The reply says how many were invited.

    The file is read before the consultation is locked (5,000 rows take a while); the
    addresses already invited are checked under the lock."""
    with core.store.reading() as tx:
        _check_moderator(tx, viewer)
        languages = tx.get_one(Consultation, viewer.consultation_id).languages
    people = rules.parse_registrations(data, languages[0] if languages else "en")
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        taken = uow.tx.scalars(
            select(Invitation.email).where(
                Invitation.consultation_id == uow.consultation.id, Invitation.revoked_at.is_(None)
            )
        ).all()
        rules.check_not_taken(people, taken)
        for person in people:
            salt = secrets.token_hex(16)
            uow.tx.add(
                Invitation(
                    consultation_id=uow.consultation.id,
                    display_name=person.display_name,
                    email=person.email,
                    stakeholder_group=person.stakeholder_group,
                    country=person.country,
                    language=person.language,
                    salt=salt,
                    token_hash=hash_token(link_token(secret, salt)),
                    created_at=uow.now,
                )
            )
        uow.tx.flush()
        uow.log([EventDraft("invitations_imported", {"count": len(people)}, STAFF)])
        uow.reply(imported=len(people))
    return uow.outcome


def invitations(core: Core, viewer: Viewer, secret: str) -> list[InvitationView]:
    """The registration list with each person's link (a path), for moderators."""
    with core.store.reading() as tx:
        _check_moderator(tx, viewer)
        rows = tx.execute(
            select(Invitation, Participant.id)
            .outerjoin(Participant, Participant.invitation_id == Invitation.id)
            .where(Invitation.consultation_id == viewer.consultation_id)
            .order_by(Invitation.id)
        ).all()
        return [_view(invitation, person, secret) for invitation, person in rows]


def _check_moderator(tx: Session, viewer: Viewer) -> None:
    person = tx.get(Participant, viewer.participant_id)
    if person is None or person.role != MODERATOR or person.banned_at is not None:
        raise Forbidden("forbidden", N_("Your role cannot do this."))


def _view(invitation: Invitation, participant_id: int | None, secret: str) -> InvitationView:
    return {
        "invitation_id": invitation.id,
        "display_name": invitation.display_name,
        "email": invitation.email,
        "stakeholder_group": invitation.stakeholder_group,
        "country": invitation.country,
        "language": invitation.language,
        "link": f"/i/{link_token(secret, invitation.salt)}",
        "participant_id": participant_id,
        "revoked": invitation.revoked_at is not None,
    }


def revoke(core: Core, viewer: Viewer, invitation_id: Any) -> Outcome:
    """A moderator revokes an invitation: its link stops working and its person, if they
    came, can do nothing more (their connections are closed, core/access.py refuses)."""
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        wanted = as_id(invitation_id)
        invitation = uow.tx.get(Invitation, wanted) if wanted is not None else None
        if invitation is None or invitation.consultation_id != uow.consultation.id:
            raise NotFound("unknown_invitation", N_("There is no such invitation."))
        if invitation.revoked_at is not None:
            raise Conflict("already_revoked", N_("This invitation is already revoked."))
        _revoke(uow, invitation, REVOKED)
    return uow.outcome


def _revoke(uow: UnitOfWork, invitation: Invitation, reason: str) -> None:
    invitation.revoked_at, invitation.revoked_reason = uow.now, reason
    person = _person_of(uow.tx, invitation.id)
    payload = {
        "invitation_id": invitation.id,
        "participant_id": person.id if person else None,
        "reason": reason,
    }
    uow.log([EventDraft("invitation_revoked", payload, STAFF)])
    if person is not None:
        uow.notify(person.id, "invitation_revoked", {"reason": reason})


def _person_of(tx: Session, invitation_id: int) -> Participant | None:
    return tx.scalar(select(Participant).where(Participant.invitation_id == invitation_id))


def set_participation(core: Core, viewer: Viewer, changes: Any) -> Outcome:
    """A moderator makes the consultation open or invited, or lets walk-ins ask or not."""
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        current = rules.participation_of(uow.consultation.settings)
        changed = rules.parse_participation(changes, current)
        # A new dict, so the JSON column is seen as changed.
        uow.consultation.settings = {**uow.consultation.settings, "invitations": changed.as_dict()}
        uow.log([EventDraft("participation_changed", changed.as_dict(), PUBLIC)])
        uow.reply(participation=changed.as_dict())
    return uow.outcome


def check_creation_settings(
    _tx: Session, _consultation: Consultation, spec: ConsultationSpec, _now: datetime
) -> None:
    """An agenda file's `settings.invitations`, if any, must be valid (else nothing is stored)."""
    if "invitations" in spec.settings:
        rules.parse_participation(spec.settings["invitations"])


def follow_bans(uow: UnitOfWork, logged: list[LoggedEvent]) -> None:
    """A ban revokes the banned person's invitation with them; an unban gives it back."""
    for event in logged:
        if event.type not in ("participant_banned", "participant_unbanned"):
            continue
        person = uow.tx.get(Participant, event.payload["participant"]["participant_id"])
        if person is None or person.invitation_id is None:
            continue
        invitation = uow.tx.get_one(Invitation, person.invitation_id)
        if event.type == "participant_banned" and invitation.revoked_at is None:
            _revoke(uow, invitation, BANNED)
        elif event.type == "participant_unbanned" and invitation.revoked_reason == BANNED:
            invitation.revoked_at, invitation.revoked_reason = None, ""
            payload = {"invitation_id": invitation.id, "participant_id": person.id}
            uow.log([EventDraft("invitation_restored", payload, STAFF)])


# -- the invited person --------------------------------------------------------------


def invited_by(core: Core, token: object) -> Invitation:
    """The invitation a personal link's token opens, unless it has been revoked."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("unknown_invitation", N_("This invitation link is not valid."))
    with core.store.reading() as tx:
        invitation = tx.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
        if invitation is None:
            raise NotFound("unknown_invitation", N_("This invitation link is not valid."))
        check_not_revoked(invitation)
        tx.expunge(invitation)
        return invitation


def check_not_revoked(invitation: Invitation) -> None:
    """Refuse a revoked invitation: `banned` if its person's ban revoked it."""
    if invitation.revoked_at is None:
        return
    if invitation.revoked_reason == BANNED:
        raise ban_refusal()
    raise Forbidden("invitation_revoked", N_("This invitation has been revoked."))


def join_by_link(
    core: Core, token: object, device: str | None = None, *, consent: Consent | None = None
) -> Admitted:
    """Whoever opens a personal link joins as the invited person, with the list's profile;
    opening it again, on this device or another, is the same person (no new arrival).
    `consent`: the privacy notice they accepted, recorded and logged on their arrival
    as on the join form's (a person already in keeps what their arrival recorded)."""
    invitation = invited_by(core, token)
    assert isinstance(token, str)
    device_hash = hash_token(device) if device is not None else None
    now = core.now()
    with core.store.transaction() as tx:
        consultation = locked_consultation(tx, invitation.consultation_id)
        check_not_revoked(tx.get_one(Invitation, invitation.id))
        person = _person_of(tx, invitation.id)
        if person is not None:
            if person.banned_at is not None:
                raise ban_refusal()
            return Admitted(viewer_of(person), token, [])
        if device_hash is not None:
            check_device_not_banned(tx, consultation.id, device_hash)
        person = Participant(
            consultation_id=consultation.id,
            role=ATTENDEE,
            display_name=invitation.display_name,
            stakeholder_group=invitation.stakeholder_group,
            country=invitation.country,
            token_hash=invitation.token_hash,
            joined_at=now,
            device_hash=device_hash,
            invitation_id=invitation.id,
            consented_at=now if consent else None,
            privacy_notice_version=consent.version if consent else None,
        )
        return admit_people(tx, consultation, [person], [token], [consent])[0]


def language_of(core: Core, token: str) -> str | None:
    """The language the registration list gives the link's person."""
    with core.store.reading() as tx:
        return tx.scalar(
            select(Invitation.language).where(Invitation.token_hash == hash_token(token))
        )


# -- what pages read -------------------------------------------------------------------


def participation_part(
    tx: Session, consultation: Consultation, viewer: Viewer, _now: datetime
) -> ParticipationPart:
    """Everyone: the mode, whether they walked in, and whether they came with the code
    (which `participation_changed` alone cannot tell the page: with it, the page knows
    whether a change of mode makes its person a walk-in); staff: the counts and the walk-ins."""
    settings = rules.participation_of(consultation.settings)
    me = tx.get_one(Participant, viewer.participant_id)
    view: ParticipationView = {
        **settings.as_dict(),  # type: ignore[typeddict-item]
        "walk_in": is_walk_in(consultation, me),
        "came_with_code": me.role == ATTENDEE and me.invitation_id is None,
    }
    if viewer.role in STAFF_ROLES:
        view.update(turnout(tx, consultation))  # type: ignore[typeddict-item]
        view["walk_ins"] = walk_in_ids(tx, consultation)
    return {"participation": view}


def turnout(tx: Session, consultation: Consultation) -> dict[str, int]:
    """Invited (not revoked), invited who came, and attendees who came without one."""
    invited = tx.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.consultation_id == consultation.id, Invitation.revoked_at.is_(None)
        )
    )
    came, with_invitation = tx.execute(
        select(func.count(Participant.id), func.count(Participant.invitation_id)).where(
            Participant.consultation_id == consultation.id, Participant.role == ATTENDEE
        )
    ).one()
    return {
        "invited": invited or 0,
        "joined_invited": with_invitation,
        "joined_walk_ins": came - with_invitation,
    }


def walk_in_ids(tx: Session, consultation: Consultation) -> list[int]:
    """The attendees who came without an invitation, if the consultation is invited."""
    if rules.participation_of(consultation.settings).mode != INVITED:
        return []
    return list(
        tx.scalars(
            select(Participant.id)
            .where(
                Participant.consultation_id == consultation.id,
                Participant.role == ATTENDEE,
                Participant.invitation_id.is_(None),
            )
            .order_by(Participant.id)
        )
    )
