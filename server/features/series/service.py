"""Series: creating one, its organiser link, and its regional consultations.

The organiser link is issued, hashed and revoked as the staff links are
(features/consultations): the token is shown once and only its digest is kept.
Every route of a series checks the link against that series (`organiser_of`):
a link of another series is refused as such (`wrong_series`), not as unknown.

A regional consultation is made in one step (`create_regional`): the series'
items and polls become an ordinary agenda file, stored by
`consultations.create`, and — in the same transaction — the consultation joins
the series and its items and polls get their keys; anything refused stores
nothing. An existing consultation joins with `add_consultation`, shown by its
moderator link. Each logs `series_joined` in the consultation's own event log.
A moderator re-keys a poll whose options they edited with `key_poll`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import Viewer, hash_token, locked_consultation, new_token
from server.core.errors import N_, Conflict, DomainError, NotFound
from server.core.events import MODERATOR, STAFF, EventDraft
from server.core.models import Consultation, RoleLink
from server.core.runtime import Core
from server.core.unit_of_work import Outcome, unit_of_work
from server.features.consultations import service as consultations
from server.features.consultations.rules import ConsultationSpec, parse_spec
from server.features.polls.models import Poll

from . import rules
from .models import (
    KeyedItem,
    KeyedPoll,
    OrganiserLink,
    Series,
    SeriesItem,
    SeriesMember,
    SeriesPoll,
)


@dataclass(frozen=True)
class SeriesCreated:
    series_id: int
    organiser_token: str


@dataclass(frozen=True)
class RegionalCreated:
    series_id: int
    consultation_id: int
    join_code: str
    moderator_token: str
    rapporteur_token: str


def create_series(core: Core, spec: rules.SeriesSpec) -> SeriesCreated:
    """Store a series, its shared items and polls, and its organiser link."""
    now = core.now()
    with core.store.transaction() as tx:
        if tx.scalar(select(Series.id).where(Series.short_name == spec.short_name)) is not None:
            raise Conflict(
                "series_name_taken",
                N_("A series already has the short name %(name)s."),
                name=spec.short_name,
            )
        series = store_series(tx, spec, now)
        token = issue_organiser_link(tx, series.id, now)
    return SeriesCreated(series.id, token)


def store_series(tx: Session, spec: rules.SeriesSpec, now: datetime) -> Series:
    """A series and its shared items and polls, as `spec` defines them (no link)."""
    series = Series(
        short_name=spec.short_name,
        title=spec.title,
        description=spec.description,
        aims=list(spec.aims),
        created_at=now,
    )
    tx.add(series)
    tx.flush()
    for position, item in enumerate(spec.items):
        tx.add(
            SeriesItem(
                series_id=series.id,
                key=item.key,
                position=position,
                title=item.title,
                description=item.description,
                planned_minutes=item.minutes,
            )
        )
    for position, poll in enumerate(spec.polls):
        tx.add(
            SeriesPoll(
                series_id=series.id,
                key=poll.key,
                item_key=poll.item_key,
                position=position,
                definition=dict(poll.definition),
                option_keys=list(poll.option_keys),
            )
        )
    return series


def _polls_of(tx: Session, consultation_id: int) -> Sequence[Poll]:
    return tx.scalars(
        select(Poll).where(Poll.consultation_id == consultation_id).order_by(Poll.position)
    ).all()


def _keyed_poll(poll: Poll, key: str, option_keys: Sequence[str]) -> KeyedPoll:
    """`poll` under its shared key, its options as they are now (a later edit unkeys it)."""
    return KeyedPoll(
        consultation_id=poll.consultation_id,
        poll_id=poll.id,
        key=key,
        option_keys=list(option_keys),
        options_keyed=list(poll.options),
    )


def issue_organiser_link(tx: Session, series_id: int, now: datetime) -> str:
    token = new_token()
    tx.add(OrganiserLink(series_id=series_id, token_hash=hash_token(token), created_at=now))
    tx.flush()
    return token


def find_series(tx: Session, series_id: Any, *, lock: bool = False) -> Series:
    if not isinstance(series_id, int) or isinstance(series_id, bool) or not 0 < series_id < 2**31:
        raise _unknown_series()
    series = tx.get(Series, series_id, with_for_update=lock)
    if series is None:
        raise _unknown_series()
    return series


def _unknown_series() -> NotFound:
    return NotFound("unknown_series", N_("No series has this number."))


def organiser_of(tx: Session, series_id: Any, token: object, *, lock: bool = False) -> Series:
    """The series an organiser link manages, checked against the series asked for.

    The link is checked first: without a live one, nothing is told about the series.
    """
    if not isinstance(token, str) or not token or len(token) > 100:
        raise _unknown_link()
    link = tx.scalar(select(OrganiserLink).where(OrganiserLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None:
        raise _unknown_link()
    series = find_series(tx, series_id, lock=lock)
    rules.check_same_series(link.series_id, series.id)
    return series


def series_of_link(core: Core, token: object) -> int:
    """The series a live organiser link manages (the organiser's pages carry only the link)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        raise _unknown_link()
    with core.store.reading() as tx:
        link = tx.scalar(select(OrganiserLink).where(OrganiserLink.token_hash == hash_token(token)))
        if link is None or link.revoked_at is not None:
            raise _unknown_link()
        return link.series_id


def _unknown_link() -> NotFound:
    return NotFound(
        "unknown_organiser_link", N_("This organiser link is not valid or has been revoked.")
    )


def replace_organiser_link(core: Core, series_id: Any, token: object) -> str:
    """Revoke every organiser link of the series and issue one (shown once)."""
    now = core.now()
    with core.store.transaction() as tx:
        series = organiser_of(tx, series_id, token, lock=True)
        for link in tx.scalars(
            select(OrganiserLink).where(
                OrganiserLink.series_id == series.id, OrganiserLink.revoked_at.is_(None)
            )
        ):
            link.revoked_at = now
        return issue_organiser_link(tx, series.id, now)


def shared_items(tx: Session, series_id: int) -> list[rules.SharedItem]:
    rows = tx.scalars(
        select(SeriesItem).where(SeriesItem.series_id == series_id).order_by(SeriesItem.position)
    )
    return [rules.SharedItem(r.key, r.title, r.planned_minutes, r.description) for r in rows]


def shared_polls(tx: Session, series_id: int) -> list[rules.SharedPoll]:
    rows = tx.scalars(
        select(SeriesPoll).where(SeriesPoll.series_id == series_id).order_by(SeriesPoll.position)
    )
    return [
        rules.SharedPoll(r.key, r.item_key, dict(r.definition), tuple(r.option_keys)) for r in rows
    ]


# ---------------------------------------------------------------- regional consultations


def create_regional(core: Core, series_id: Any, token: object, data: Any) -> RegionalCreated:
    """Make a regional consultation from the series in one step (nothing stored if refused)."""
    with core.store.reading() as tx:
        series = organiser_of(tx, series_id, token)
        regional = rules.regional_file(
            shared_items(tx, series.id), shared_polls(tx, series.id), data
        )
        checked_series = series.id
    spec = parse_spec(regional.agenda_file)

    def tie_to_series(
        tx: Session, consultation: Consultation, spec: ConsultationSpec, now: datetime
    ) -> None:
        series = organiser_of(tx, checked_series, token, lock=True)
        join_series(
            tx,
            series,
            consultation,
            now,
            dates_unknown=regional.dates_unknown,
            sample=regional.sample,
        )
        for item, key in zip(consultation.items, regional.item_keys, strict=True):
            if key:
                tx.add(KeyedItem(consultation_id=consultation.id, item_id=item.id, key=key))
        tx.flush()
        polls = _polls_of(tx, consultation.id)
        for poll, (key, option_keys) in zip(polls, regional.poll_keys, strict=True):
            tx.add(_keyed_poll(poll, key, option_keys))

    created = consultations.create(core, spec, then=tie_to_series)
    return RegionalCreated(
        checked_series,
        created.consultation_id,
        created.join_code,
        created.moderator_token,
        created.rapporteur_token,
    )


def join_series(
    tx: Session,
    series: Series,
    consultation: Consultation,
    now: datetime,
    *,
    dates_unknown: bool = False,
    sample: bool = False,
    logged: bool = True,
) -> None:
    """The consultation joins the series, logged in its own event log (unless restored
    from an archive, whose log holds it already)."""
    member = tx.scalar(select(SeriesMember).where(SeriesMember.consultation_id == consultation.id))
    if member is not None:
        raise Conflict(
            "already_in_series",
            N_("This consultation is already part of a series."),
        )
    tx.add(
        SeriesMember(
            series_id=series.id,
            consultation_id=consultation.id,
            dates_unknown=dates_unknown,
            sample=sample,
            added_at=now,
        )
    )
    if not logged:
        return
    event_log.append(
        tx,
        consultation,
        None,
        [
            EventDraft(
                "series_joined",
                {"series_id": series.id, "title": series.title, "sample": sample},
                STAFF,
            )
        ],
        now,
    )


def add_consultation(core: Core, series_id: Any, token: object, data: Any) -> int:
    """An existing consultation joins the series, shown by its join code and moderator link.

    `data`: `join_code`, `moderator_link`, `items` (`{key: agenda position, from 1}`)
    and `polls` (`{key: {"position": poll position from 1, "options": [option keys in
    the poll's order]}}`). Every key must be the series', every poll's options its keys.
    """
    if not isinstance(data, dict):
        raise DomainError("invalid_series", N_("Send the consultation's fields."))
    items, polls_given = data.get("items", {}), data.get("polls", {})
    if not isinstance(items, dict) or not isinstance(polls_given, dict):
        raise DomainError("invalid_series", N_("Items and polls are mappings by key."))
    now = core.now()
    with core.store.transaction() as tx:
        series = organiser_of(tx, series_id, token, lock=True)
        found = consultations.find_by_code(tx, data.get("join_code"))
        consultation = locked_consultation(tx, found.id)
        _check_moderator_link(tx, consultation, data.get("moderator_link"))
        known_items = {item.key for item in shared_items(tx, series.id)}
        known_polls = {poll.key: poll for poll in shared_polls(tx, series.id)}
        join_series(tx, series, consultation, now, sample=data.get("sample") is True)
        agenda = consultation.items
        for key, position in items.items():
            if key not in known_items:
                raise rules.unknown_key(str(key))
            if not isinstance(position, int) or not 1 <= position <= len(agenda):
                raise NotFound("unknown_item", N_("This agenda item does not exist."))
            tx.add(
                KeyedItem(consultation_id=consultation.id, item_id=agenda[position - 1].id, key=key)
            )
        own_polls = _polls_of(tx, consultation.id)
        for key, given in polls_given.items():
            shared = known_polls.get(key)
            if shared is None:
                raise rules.unknown_key(str(key))
            poll, option_keys = _matching_poll(own_polls, shared, given)
            tx.add(_keyed_poll(poll, key, option_keys))
        tx.flush()
        return consultation.id


def _matching_poll(
    own_polls: Any, shared: rules.SharedPoll, given: Any
) -> tuple[Poll, tuple[str, ...]]:
    position = given.get("position") if isinstance(given, dict) else None
    if not isinstance(position, int) or not 1 <= position <= len(own_polls):
        raise NotFound("unknown_poll", N_("This poll does not exist."))
    poll: Poll = own_polls[position - 1]
    option_keys = given.get("options")
    if not isinstance(option_keys, list):
        raise rules.option_keys_mismatch(shared)
    keys = tuple(str(k) for k in option_keys)
    rules.check_option_keys(shared, keys)
    if poll.type != shared.type or len(poll.options) != len(keys):
        raise rules.option_keys_mismatch(shared)
    return poll, keys


def _check_moderator_link(tx: Session, consultation: Consultation, link_token: object) -> None:
    """Only someone holding the consultation's live moderator link may bring it in."""
    link = (
        tx.scalar(select(RoleLink).where(RoleLink.token_hash == hash_token(link_token)))
        if isinstance(link_token, str) and len(link_token) <= 100
        else None
    )
    if (
        link is None
        or link.revoked_at is not None
        or link.consultation_id != consultation.id
        or link.role != MODERATOR
    ):
        raise NotFound("unknown_link", N_("This link is not valid or has been revoked."))


def console_link(core: Core, series_id: Any, token: object, consultation_id: Any) -> str:
    """A new moderator link to a consultation of the series, for its organiser (shown once).

    Earlier links keep working (`replace_link` on the console revokes them); the
    consultation's log says an organiser issued one.
    """
    now = core.now()
    with core.store.transaction() as tx:
        series = organiser_of(tx, series_id, token)
        member = (
            tx.scalar(
                select(SeriesMember).where(
                    SeriesMember.series_id == series.id,
                    SeriesMember.consultation_id == consultation_id,
                )
            )
            if isinstance(consultation_id, int) and not isinstance(consultation_id, bool)
            else None
        )
        if member is None:
            raise NotFound("unknown_consultation", N_("This series has no such consultation."))
        consultation = locked_consultation(tx, member.consultation_id)
        link = consultations.issue_link(tx, consultation, MODERATOR, now)
        event_log.append(
            tx,
            consultation,
            None,
            [EventDraft("organiser_issued_link", {"role": MODERATOR}, STAFF)],
            now,
        )
        return link


def key_poll(core: Core, viewer: Viewer, poll_id: Any, option_keys: Any) -> Outcome:
    """A moderator says again which shared option each option of a keyed poll is
    (after rewording or reordering a draft poll's options)."""
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        keyed = tx_keyed_poll(uow.tx, uow.consultation.id, poll_id)
        member = uow.tx.scalar(
            select(SeriesMember).where(SeriesMember.consultation_id == uow.consultation.id)
        )
        assert member is not None  # a keyed poll's consultation is in a series
        shared = next(p for p in shared_polls(uow.tx, member.series_id) if p.key == keyed.key)
        poll = uow.tx.get_one(Poll, keyed.poll_id)
        if not isinstance(option_keys, list):
            option_keys = []
        keys = tuple(str(k) for k in option_keys)
        rules.check_option_keys(shared, keys)
        if len(poll.options) != len(keys):
            raise rules.option_keys_mismatch(shared)
        keyed.option_keys = list(keys)
        keyed.options_keyed = list(poll.options)
        uow.log(
            [
                EventDraft(
                    "poll_keyed",
                    {"poll_id": poll.id, "key": keyed.key, "option_keys": list(keys)},
                    STAFF,
                )
            ]
        )
        return uow.outcome


def tx_keyed_poll(tx: Session, consultation_id: int, poll_id: Any) -> KeyedPoll:
    keyed = (
        tx.scalar(
            select(KeyedPoll).where(
                KeyedPoll.consultation_id == consultation_id, KeyedPoll.poll_id == poll_id
            )
        )
        if isinstance(poll_id, int) and not isinstance(poll_id, bool)
        else None
    )
    if keyed is None:
        raise NotFound("unknown_poll", N_("This poll is not a shared poll of a series."))
    return keyed


def members(tx: Session, series_id: int) -> list[tuple[SeriesMember, Consultation]]:
    """The series' consultations in the order of their start, sample data last."""
    rows = tx.execute(
        select(SeriesMember, Consultation)
        .join(Consultation, Consultation.id == SeriesMember.consultation_id)
        .where(SeriesMember.series_id == series_id)
        .order_by(SeriesMember.sample, Consultation.scheduled_start, Consultation.id)
    )
    return [(member, consultation) for member, consultation in rows]


def keys_of(tx: Session, consultation_id: int) -> tuple[dict[str, int], dict[str, KeyedPoll]]:
    """A consultation's keyed items (key → item id) and keyed polls (key → row)."""
    items = {
        key: item_id
        for key, item_id in tx.execute(
            select(KeyedItem.key, KeyedItem.item_id).where(
                KeyedItem.consultation_id == consultation_id
            )
        )
    }
    polls = {
        row.key: row
        for row in tx.scalars(select(KeyedPoll).where(KeyedPoll.consultation_id == consultation_id))
    }
    return items, polls


def option_labels(poll: rules.SharedPoll) -> Mapping[str, str]:
    return dict(zip(poll.option_keys, poll.definition["options"], strict=True))
