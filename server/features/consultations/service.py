"""Creating consultations, joining them, and the secret links of their staff."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import (
    Viewer,
    ban_refusal,
    hash_token,
    locked_consultation,
    new_token,
    normalise_join_code,
    viewer_of,
)
from server.core.base import table_of
from server.core.errors import N_, DomainError, NotFound
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, STAFF, EventDraft, LoggedEvent
from server.core.group_commit import Pending, batched
from server.core.lifecycle import DRAFT
from server.core.models import AgendaItem, Consultation, Participant, RoleLink
from server.core.runtime import Core
from server.core.store import Store
from server.core.unit_of_work import Outcome, unit_of_work

from .rules import JOIN_CODE_MAX, ConsultationSpec, Profile, new_join_code, parse_profile
from .views import ProfileView

CreationHook = Callable[[Session, Consultation, ConsultationSpec, datetime], None]

# Features that read their own part of an agenda file (draft polls, say) list a hook
# (`Feature.creation_hooks`, installed in `core.wiring.creation_hooks`); a hook that
# raises DomainError refuses the whole file.


@dataclass(frozen=True)
class Created:
    consultation_id: int
    join_code: str
    moderator_token: str
    rapporteur_token: str


@dataclass(frozen=True)
class Admitted:
    """A person let in: who they are, and the token that keeps them so."""

    viewer: Viewer
    token: str
    events: list[LoggedEvent]


def create(core: Core, spec: ConsultationSpec, *, then: CreationHook | None = None) -> Created:
    """Store a consultation with its agenda and one link per staff role.

    `then` runs last, in the same transaction (a series ties the new consultation's
    items and polls to its keys there): if it raises, nothing is stored.
    """
    for _attempt in range(5):
        try:
            return _create_once(core, spec, new_join_code(), then)
        except IntegrityError:  # a join code collision: draw another
            continue
    raise RuntimeError("could not draw a free join code")


def _create_once(
    core: Core, spec: ConsultationSpec, code: str, then: CreationHook | None
) -> Created:
    now = core.now()
    with core.store.transaction() as tx:
        consultation = Consultation(
            short_name=spec.short_name,
            title=spec.title,
            region=spec.region,
            description=spec.description,
            time_zone=spec.time_zone,
            scheduled_start=spec.scheduled_start,
            planned_minutes=spec.planned_minutes,
            languages=list(spec.languages),
            state=DRAFT,
            join_code=code,
            settings=dict(spec.settings),
            created_at=now,
        )
        tx.add(consultation)
        for position, item in enumerate(spec.items):
            consultation.items.append(
                AgendaItem(
                    position=position,
                    title=item.title,
                    description=item.description,
                    planned_minutes=item.planned_minutes,
                )
            )
        tx.flush()
        for hook in core.wiring.creation_hooks:
            hook(tx, consultation, spec, now)
        tokens = {role: issue_link(tx, consultation, role, now) for role in (MODERATOR, RAPPORTEUR)}
        event_log.append(
            tx,
            consultation,
            None,
            [EventDraft("consultation_created", {"title": spec.title}, STAFF)],
            now,
        )
        if then is not None:
            then(tx, consultation, spec, now)
    return Created(consultation.id, code, tokens[MODERATOR], tokens[RAPPORTEUR])


def issue_link(tx: Session, consultation: Consultation, role: str, now: datetime) -> str:
    token = new_token()
    tx.add(
        RoleLink(
            consultation_id=consultation.id, role=role, token_hash=hash_token(token), created_at=now
        )
    )
    tx.flush()
    return token


# Built once, as the join's path runs them for each arrival (docs/performance.md).
_BY_CODE = select(Consultation).where(Consultation.join_code == bindparam("code"))
_BY_CODE_LOCKED = _BY_CODE.with_for_update()
_BANNED_DEVICES = (
    select(Participant.device_hash)
    .where(Participant.consultation_id == bindparam("consultation_id"))
    .where(Participant.device_hash.in_(bindparam("device_hashes", expanding=True)))
    .where(Participant.banned_at.is_not(None))
)


def _no_such_code() -> NotFound:
    return NotFound("unknown_consultation", N_("No consultation has this code."))


def find_by_code(tx: Session, code: object, *, lock: bool = False) -> Consultation:
    wanted = normalise_join_code(code)
    # A code no consultation can have (a lone surrogate, a megabyte) is never queried.
    possible = len(wanted) <= JOIN_CODE_MAX and wanted.isascii()
    query = _BY_CODE_LOCKED if lock else _BY_CODE
    consultation = tx.scalar(query, {"code": wanted}) if possible else None
    if consultation is None:
        raise _no_such_code()
    return consultation


@dataclass(frozen=True)
class Consent:
    """The privacy notice a person accepted on joining: its version and language."""

    version: str
    language: str


@dataclass(frozen=True)
class Joining:
    """An attendee's arrival through the join form, waiting for its batch's commit."""

    consultation_id: int
    code: str
    profile: Profile
    token: str
    now: datetime
    device_hash: str | None = None
    address_hash: str | None = None
    consent: Consent | None = None


def join(
    core: Core,
    code: object,
    form: object,
    device: str | None = None,
    *,
    group_required: bool = False,
    address_hash: str | None = None,
    consent: Consent | None = None,
) -> Admitted:
    """Admit an attendee with the join code and their profile, from `device` (the
    secret of the browser's device cookie) unless a person banned here joined from it;
    `consent`: the privacy notice they accepted, recorded with them and logged.

    Joins go through a group commit (core/group_commit.py): when hundreds
    arrive at the start of a session, those waiting for one consultation are
    admitted in one transaction, and a join waiting for the consultation's lock
    waits without holding a pooled database connection. `group_required`: see
    `parse_profile`. `address_hash`: the keyed hash of the client's address
    (web/join_limits.py), kept for the integrity flags (features/integrity).
    """
    profile = parse_profile(form, group_required=group_required)
    device_hash = hash_token(device) if device is not None else None
    wanted = normalise_join_code(code)
    consultation_id = consultation_by_code(core, wanted)
    joining = Joining(
        consultation_id,
        wanted,
        profile,
        new_token(),
        core.now(),
        device_hash,
        address_hash,
        consent,
    )
    try:
        admitted: Admitted = batched(core, consultation_id, joining, admit_all)
    except NotFound:  # the id kept for the code named another consultation: read it again
        core.consultation_ids.pop(wanted, None)
        raise
    return admitted


def consultation_by_code(core: Core, code: str) -> int:
    """The id of the consultation `code` (normalised) opens, read once per application:
    join codes never change and consultations are never deleted, so the rush at the
    start of a session reads it once, not once per arrival. `admit_all` checks it
    again under the consultation's lock."""
    known = core.consultation_ids
    if code not in known:
        with core.store.reading() as tx:
            found = find_by_code(tx, code).id
        if len(known) >= KNOWN_CODES:
            known.clear()
        known[code] = found
    return known[code]


# More consultations than a worker serves at once; past it the ids are read again.
KNOWN_CODES = 10_000


def admit_all(store: Store, batch: Sequence[Pending[Joining]]) -> list[Any]:
    """Admit a batch of attendees of one consultation: one INSERT for them, one for their
    events. A ban covers the device: whoever joins again from it is refused, until
    unbanned; it is checked here, under the consultation's lock, so a ban and a join
    racing it are decided in one order."""
    with store.transaction() as tx:
        consultation = locked_consultation(tx, batch[0].command.consultation_id)
        joinings = [pending.command for pending in batch]
        banned = _banned_devices(tx, consultation.id, [j.device_hash for j in joinings])
        outcomes: list[Any] = [_refusal(j, consultation, banned) for j in joinings]
        welcome = [j for j, refusal in zip(joinings, outcomes, strict=True) if refusal is None]
        admitted = iter(
            admit_people(
                tx,
                consultation,
                [_attendee(j) for j in welcome],
                [j.token for j in welcome],
                [j.consent for j in welcome],
            )
        )
        return [next(admitted) if refusal is None else refusal for refusal in outcomes]


def check_device_not_banned(tx: Session, consultation_id: int, device_hash: str) -> None:
    """A ban covers the device: whoever joins again from it is refused, until unbanned."""
    if _banned_devices(tx, consultation_id, [device_hash]):
        raise ban_refusal()


def _banned_devices(tx: Session, consultation_id: int, devices: list[str | None]) -> set[str]:
    """Which of `devices` (hashes) a person banned in the consultation joined from."""
    hashes = {device for device in devices if device is not None}
    if not hashes:
        return set()
    found = tx.scalars(
        _BANNED_DEVICES, {"consultation_id": consultation_id, "device_hashes": list(hashes)}
    )
    return {device_hash for device_hash in found if device_hash is not None}


def _refusal(joining: Joining, consultation: Consultation, banned: set[str]) -> DomainError | None:
    if joining.code != consultation.join_code:  # its database was replaced under this worker
        return _no_such_code()
    if joining.device_hash in banned:
        return ban_refusal()
    return None


def _attendee(joining: Joining) -> Participant:
    return Participant(
        consultation_id=joining.consultation_id,
        role=ATTENDEE,
        display_name=joining.profile.display_name,
        stakeholder_group=joining.profile.stakeholder_group,
        country=joining.profile.country,
        token_hash=hash_token(joining.token),
        joined_at=joining.now,
        device_hash=joining.device_hash,
        address_hash=joining.address_hash,
        consented_at=joining.now if joining.consent else None,
        privacy_notice_version=joining.consent.version if joining.consent else None,
    )


@dataclass(frozen=True)
class LinkHolder:
    """What a staff link opens, told before anyone claims it."""

    title: str
    region: str
    role: str


def _link_token(link_token: object) -> str:
    """A staff link's token as sent, refused before any query if it cannot be one."""
    if not isinstance(link_token, str) or len(link_token) > 100:
        raise NotFound("unknown_link", N_("This link is not valid."))
    return link_token


def _live_link(tx: Session, link_token: str) -> RoleLink:
    """The staff link a token names, unless there is none or it has been revoked."""
    link = tx.scalar(select(RoleLink).where(RoleLink.token_hash == hash_token(link_token)))
    if link is None or link.revoked_at is not None:
        raise NotFound("unknown_link", N_("This link is not valid or has been revoked."))
    return link


def link_holder(core: Core, link_token: object) -> LinkHolder:
    """The consultation and role a staff link gives; `unknown_link` if it gives none."""
    secret = _link_token(link_token)
    with core.store.reading() as tx:
        link = _live_link(tx, secret)
        consultation = tx.get_one(Consultation, link.consultation_id)
        return LinkHolder(consultation.title, consultation.region, link.role)


def claim_link(core: Core, link_token: object, form: object) -> Admitted:
    """Make whoever opens a moderator or rapporteur link a participant of that role."""
    secret = _link_token(link_token)
    profile = parse_profile(form)
    token = new_token()
    now = core.now()
    with core.store.transaction() as tx:
        link = _live_link(tx, secret)
        consultation = tx.get_one(Consultation, link.consultation_id, with_for_update=True)
        person = Participant(
            consultation_id=consultation.id,
            role=link.role,
            display_name=profile.display_name,
            stakeholder_group=profile.stakeholder_group,
            country=profile.country,
            token_hash=hash_token(token),
            role_link_id=link.id,
            joined_at=now,
        )
        return admit_people(tx, consultation, [person], [token])[0]


# Built once; every join runs it. The ids come back in the order of the rows.
_INSERT_PEOPLE = insert(table_of(Participant)).returning(
    Participant.id, sort_by_parameter_order=True
)


_PEOPLE_COLUMNS = frozenset(table_of(Participant).columns.keys())


def _columns(person: Participant) -> dict[str, Any]:
    """The columns a new participant was given (the others take their defaults)."""
    return {key: value for key, value in vars(person).items() if key in _PEOPLE_COLUMNS}


def admit_people(
    tx: Session,
    consultation: Consultation,
    people: list[Participant],
    tokens: list[str],
    consents: Sequence[Consent | None] | None = None,
) -> list[Admitted]:
    """Store new participants and log each one's arrival (and the privacy notice they
    accepted, for staff: never their name): one INSERT each for them and events.

    The people are written as rows (Core), not flushed as objects: the objects stay
    outside the session, given their ids, to make the views and events from."""
    rows = [_columns(person) for person in people]
    ids = tx.scalars(_INSERT_PEOPLE, rows).all() if rows else []
    for person, person_id in zip(people, ids, strict=True):
        person.id = person_id
    entries: list[tuple[Participant | None, EventDraft, datetime]] = []
    counts = []
    for person, consent in zip(people, consents or [None] * len(people), strict=True):
        entries.append(
            (
                person,
                EventDraft("participant_joined", dict(public_profile(person)), STAFF, shared=False),
                person.joined_at,
            )
        )
        if consent is not None:
            accepted = {
                "participant_id": person.id,
                "version": consent.version,
                "language": consent.language,
            }
            entries.append(
                (
                    person,
                    EventDraft("privacy_notice_accepted", accepted, STAFF, shared=False),
                    person.joined_at,
                )
            )
        counts.append(1 if consent is None else 2)
    events = event_log.append_each(tx, consultation, entries)
    admitted = []
    for person, token, count in zip(people, tokens, counts, strict=True):
        admitted.append(Admitted(viewer_of(person), token, events[:count]))
        events = events[count:]
    return admitted


def replace_link(core: Core, viewer: Viewer, role: object) -> Outcome:
    """Revoke the current links of `role` (cutting off those who used them) and issue one;
    the reply holds the new token. Allowed once the consultation has ended too."""
    if role not in (MODERATOR, RAPPORTEUR):
        raise NotFound("unknown_role", N_("Only moderator and rapporteur links can be replaced."))
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        links = uow.tx.scalars(
            select(RoleLink).where(
                RoleLink.consultation_id == uow.consultation.id,
                RoleLink.role == role,
                RoleLink.revoked_at.is_(None),
            )
        )
        for link in links:
            link.revoked_at = uow.now
        token = issue_link(uow.tx, uow.consultation, str(role), uow.now)
        if uow.actor.role == role:  # whoever replaces their own link keeps their seat
            uow.actor.role_link_id = uow.tx.scalar(
                select(RoleLink.id).where(RoleLink.token_hash == hash_token(token))
            )
        uow.log([EventDraft("link_replaced", {"role": role}, STAFF)])
        uow.reply(token=token)
    return uow.outcome


class Profiled(event_log.Actor, Protocol):
    """What a profile shows of a person (an actor's id and role, and more): a
    `Participant`, or a batch's row of one (presence reads its batches' people as
    rows, docs/performance.md, step 88)."""

    @property
    def display_name(self) -> str: ...
    @property
    def stakeholder_group(self) -> str: ...
    @property
    def country(self) -> str: ...


def public_profile(person: Profiled) -> ProfileView:
    return {
        "participant_id": person.id,
        "role": person.role,
        "display_name": person.display_name,
        "stakeholder_group": person.stakeholder_group,
        "country": person.country,
    }


def count_participants(tx: Session, consultation_id: int, role: str) -> int:
    return (
        tx.scalar(
            select(func.count(Participant.id)).where(
                Participant.consultation_id == consultation_id, Participant.role == role
            )
        )
        or 0
    )


def reissue_links(core: Core, code: str) -> dict[str, str]:
    """From the command line: revoke every staff link of a consultation and issue new ones."""
    now = core.now()
    with core.store.transaction() as tx:
        consultation = find_by_code(tx, code, lock=True)
        for link in tx.scalars(
            select(RoleLink).where(
                RoleLink.consultation_id == consultation.id, RoleLink.revoked_at.is_(None)
            )
        ):
            link.revoked_at = now
        tokens = {role: issue_link(tx, consultation, role, now) for role in (MODERATOR, RAPPORTEUR)}
        event_log.append(tx, consultation, None, [EventDraft("links_reissued", {}, STAFF)], now)
    return tokens


def agenda_file_of(core: Core, consultation_id: int) -> dict[str, Any]:
    """A consultation as an agenda file: the start of a sister session's file."""
    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, consultation_id)
        start = consultation.scheduled_start.astimezone(ZoneInfo(consultation.time_zone))
        return {
            "short_name": consultation.short_name,
            "title": consultation.title,
            "region": consultation.region,
            "description": consultation.description,
            "time_zone": consultation.time_zone,
            "start": start.replace(tzinfo=None).isoformat(timespec="minutes"),
            "planned_minutes": consultation.planned_minutes,
            "languages": list(consultation.languages),
            "agenda": [
                {"title": i.title, "minutes": i.planned_minutes, "description": i.description}
                for i in consultation.items
            ],
        }
