"""The speakers' queue: raise a hand, get the floor, keep to time — one transaction each.

Every command is a unit of work (core/unit_of_work.py), which locks the
consultation row and so serialises the queue of a consultation across workers;
the partial unique indexes on speaker_hands (one speaker per consultation, one
open hand per person and item) hold even if that ever fails. The order of the
queue is derived on every read from the hands and the turns so far, so switching
the ordering rewrites nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import WALK_IN, Viewer
from server.core.errors import N_, Conflict, NotFound
from server.core.events import ATTENDEE, MODERATOR, STAFF, EventDraft, LoggedEvent
from server.core.lifecycle import ENDED
from server.core.models import AgendaItem, Consultation, Participant
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.store import rows_of
from server.core.times import iso
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.agenda.rules import active_item, find_item
from server.features.agenda.service import agenda_items
from server.features.consultations.rules import ConsultationSpec

from . import rules
from .models import ClosedSpeakerList, SpeakerHand
from .views import (
    HandView,
    InterventionView,
    ItemQueueView,
    OwnHandView,
    QueueView,
    SpeakersPart,
    SpeakersView,
    TurnView,
)

Pair = tuple[SpeakerHand, Participant]  # a hand and its owner, as the ORM loads them


# The ordered queue, pushed coalesced after every command (features/speakers/handlers.py).
TOPIC = "speakers"


@contextmanager
def _queue_command(
    core: Core, viewer: Viewer, roles: set[str], *, not_ended: bool = True
) -> Iterator[UnitOfWork]:
    """One speakers' command; after it, the queue is pushed again and whoever's hands it
    changed hears `speakers_mine` with their open hands."""
    with unit_of_work(core, viewer, roles, not_ended=not_ended) as uow:
        yield uow
        uow.recount(TOPIC)
        concerned = people_concerned(uow.outcome.events)
        for participant_id, reason in concerned.items():
            hands = my_hands(uow.tx, uow.consultation.id, participant_id)
            uow.notify(participant_id, "speakers_mine", {"reason": reason, "hands": hands})


# Attendees.


def raise_hand(core: Core, viewer: Viewer, item_id: Any, topic: Any) -> Outcome:
    """Ask for the floor on an item (the running one when `item_id` is None)."""
    with _queue_command(core, viewer, {ATTENDEE}) as uow:
        tx, actor = uow.tx, uow.actor
        item = _item_or_active(uow.consultation, item_id)
        text = rules.parse_topic(topic)
        open_hand = tx.scalar(
            select(SpeakerHand.state).where(
                SpeakerHand.participant_id == actor.id,
                SpeakerHand.item_id == item.id,
                SpeakerHand.state.in_(rules.OPEN_STATES),
            )
        )
        rules.check_can_raise(_is_closed(tx, item.id), open_hand)
        hand = SpeakerHand(
            consultation_id=uow.consultation.id,
            participant_id=actor.id,
            item_id=item.id,
            topic=text,
            state=rules.WAITING,
            requested_at=uow.now,
        )
        tx.add(hand)
        _flush_or(tx, "already_in_queue", rules.ALREADY_IN_QUEUE)
        turns = _turns_by_person(tx, uow.consultation.id)[actor.id]
        uow.log(
            [EventDraft("hand_raised", dict(hand_view(HandFacts.of(hand, actor), turns)), STAFF)]
        )
        uow.reply(hand_id=hand.id)
    return uow.outcome


def withdraw_hand(core: Core, viewer: Viewer, hand_id: Any) -> Outcome:
    """Take back one's own request to speak."""
    with _queue_command(core, viewer, {ATTENDEE, WALK_IN}) as uow:
        hand, person = _hand(uow.tx, uow.consultation, hand_id)
        rules.check_owner(hand.participant_id, uow.actor.id)
        uow.log(_off_the_list(hand, person, rules.WITHDRAWN, "hand_withdrawn", uow.now))
    return uow.outcome


# The chair.


def give_floor(
    core: Core, viewer: Viewer, hand_id: Any = None, item_id: Any = None, replacing: Any = None
) -> Outcome:
    """Give the floor to a waiting hand, or to the next in an item's queue.

    If someone holds the floor, the command is refused (`floor_taken`) unless
    `replacing` names that very turn, which then ends first.
    """
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        tx, consultation, now = uow.tx, uow.consultation, uow.now
        drafts: list[EventDraft] = []
        current = _speaking(tx, consultation.id)
        if rules.check_floor_free(current[0].id if current else None, replacing):
            assert current is not None
            drafts.append(_end(current, now, now, "chair"))
            tx.flush()  # the floor is free before it is given again
        if hand_id is not None:
            hand, person = _hand(tx, consultation, hand_id)
            rules.check_waiting(hand.state if person.banned_at is None else rules.REMOVED)
        else:
            item = _item_or_active(consultation, item_id)
            state = load_queue(tx, consultation)
            queue = state.queues.get(item.id)
            if not queue:
                raise Conflict("queue_empty", N_("Nobody is waiting to speak on this item."))
            hand, person = _hand(tx, consultation, queue[0].id)
        settings = rules.read_settings(consultation.settings)
        hand.state = rules.SPEAKING
        hand.spoke_at = now
        hand.limit_seconds = settings.limit_for(hand.item_id)
        hand.extra_seconds = 0
        hand.overrun_logged = False
        _flush_or(tx, "floor_taken", rules.FLOOR_TAKEN)
        uow.log(
            [*drafts, EventDraft("floor_given", dict(turn_view(HandFacts.of(hand, person), now)))]
        )
        uow.reply(hand_id=hand.id)
    return uow.outcome


def end_turn(core: Core, viewer: Viewer, hand_id: Any = None) -> Outcome:
    """End the current turn: the chair, or the speaker yielding the floor.

    Allowed after the consultation has ended, so a turn left open can be closed.
    """
    with _queue_command(core, viewer, {MODERATOR, ATTENDEE, WALK_IN}, not_ended=False) as uow:
        current = _speaking(uow.tx, uow.consultation.id)
        rules.check_someone_speaking(current[0].id if current else None, hand_id)
        assert current is not None
        by_speaker = uow.actor.role == ATTENDEE
        if by_speaker:
            rules.check_owner(current[0].participant_id, uow.actor.id)
        uow.log([_end(current, uow.now, uow.now, "speaker" if by_speaker else "chair")])
    return uow.outcome


def extend_turn(core: Core, viewer: Viewer, seconds: Any) -> Outcome:
    """Give the current speaker more time."""
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        added = rules.parse_extension(seconds)
        current = _speaking(uow.tx, uow.consultation.id)
        rules.check_someone_speaking(current[0].id if current else None)
        assert current is not None
        hand, person = current
        hand.extra_seconds += added
        view = turn_view(HandFacts.of(hand, person), uow.now)
        uow.log([EventDraft("turn_extended", {**view, "seconds": added})])
    return uow.outcome


def put_back(core: Core, viewer: Viewer, hand_id: Any) -> Outcome:
    """Put a hand back in the queue at its original place.

    From the floor (the wrong person, or a broken line: the turn is cancelled and
    not counted), or after it was withdrawn or removed.
    """
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        tx, now = uow.tx, uow.now
        hand, person = _hand(tx, uow.consultation, hand_id)
        rules.check_can_put_back(hand.state)
        drafts = []
        if hand.state == rules.SPEAKING:
            hand.ended_at = now
            drafts.append(
                EventDraft("turn_cancelled", dict(turn_view(HandFacts.of(hand, person), now)))
            )
            hand.spoke_at = None
            hand.limit_seconds = hand.extra_seconds = 0
            hand.overrun_logged = False
        hand.state = rules.WAITING
        hand.ended_at = None
        _flush_or(tx, "already_in_queue", rules.ALREADY_IN_QUEUE)
        turns = _turns_by_person(tx, uow.consultation.id)[person.id]
        back = hand_view(HandFacts.of(hand, person), turns)
        uow.log([*drafts, EventDraft("hand_put_back", dict(back), STAFF)])
    return uow.outcome


def remove_hand(core: Core, viewer: Viewer, hand_id: Any) -> Outcome:
    """Take someone off the queue."""
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        hand, person = _hand(uow.tx, uow.consultation, hand_id)
        uow.log(_off_the_list(hand, person, rules.REMOVED, "hand_removed", uow.now))
    return uow.outcome


def close_list(core: Core, viewer: Viewer, item_id: Any) -> Outcome:
    """Take no new hands for an item; those already waiting keep their place."""
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        tx, consultation = uow.tx, uow.consultation
        item = _item_or_active(consultation, item_id)
        if _is_closed(tx, item.id):
            raise Conflict("list_already_closed", rules.ALREADY_CLOSED)
        tx.add(
            ClosedSpeakerList(item_id=item.id, consultation_id=consultation.id, closed_at=uow.now)
        )
        _flush_or(tx, "list_already_closed", rules.ALREADY_CLOSED)
        uow.log([EventDraft("speakers_list_closed", {"item_id": item.id})])
    return uow.outcome


def reopen_list(core: Core, viewer: Viewer, item_id: Any) -> Outcome:
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        item = _item_or_active(uow.consultation, item_id)
        closed = uow.tx.get(ClosedSpeakerList, item.id)
        if closed is None:
            raise Conflict("list_already_open", N_("This list of speakers is already open."))
        uow.tx.delete(closed)
        uow.log([EventDraft("speakers_list_reopened", {"item_id": item.id})])
    return uow.outcome


def set_ordering(core: Core, viewer: Viewer, ordering: Any) -> Outcome:
    """Switch the order the queue is served in; the same ordering again logs nothing."""
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        consultation = uow.consultation
        chosen = rules.parse_ordering(ordering)
        if rules.read_settings(consultation.settings).ordering != chosen:
            consultation.settings = rules.write_settings(consultation.settings, ordering=chosen)
            uow.log([EventDraft("speakers_ordering_changed", {"ordering": chosen})])
    return uow.outcome


def set_time_limit(core: Core, viewer: Viewer, seconds: Any, item_id: Any = None) -> Outcome:
    """Set the speaking time for the consultation, or for one item (None clears an item's)."""
    with _queue_command(core, viewer, {MODERATOR}) as uow:
        consultation = uow.consultation
        limit: int | None
        if item_id is None:
            limit = rules.parse_time_limit(seconds)
            consultation.settings = rules.write_settings(
                consultation.settings, time_limit_seconds=limit
            )
        else:
            item = find_item(consultation.items, item_id)
            limit = None if seconds is None else rules.parse_time_limit(seconds)
            consultation.settings = rules.write_settings(
                consultation.settings, item_limit=(item.id, limit)
            )
        uow.log([EventDraft("speaking_time_set", {"item_id": item_id, "seconds": limit})])
    return uow.outcome


def speakers_from_agenda_file(
    tx: Session, consultation: Consultation, spec: ConsultationSpec, now: datetime
) -> None:
    """Store the speakers' settings of an agenda file: the ordering, the speaking time,
    and per-item speaking times (docs/agenda-format.md)."""
    found = rules.parse_file_settings(spec.settings, spec.raw.get("agenda", []))
    settings = {k: v for k, v in consultation.settings.items() if k != "speakers"}
    settings = rules.write_settings(
        settings, ordering=found.ordering, time_limit_seconds=found.time_limit_seconds
    )
    for index, seconds in found.item_limits.items():
        item_limit = (consultation.items[index].id, seconds)
        settings = rules.write_settings(settings, item_limit=item_limit)
    consultation.settings = settings


def record_overruns(core: Core) -> list[LoggedEvent]:
    """The server's clock (the ticker calls this): log once when a turn runs out of
    time, and close a turn the consultation ended under."""
    now = core.now()
    logged: list[LoggedEvent] = []
    # Read first, lock only where there is something to log: a speaker within their
    # time costs no write transaction (on SQLite, a write locks the whole file).
    with core.store.reading() as tx:
        rows = tx.execute(
            select(SpeakerHand, Consultation.state)
            .join(Consultation, Consultation.id == SpeakerHand.consultation_id)
            .where(
                SpeakerHand.state == rules.SPEAKING,
                SpeakerHand.overrun_logged.is_(False) | (Consultation.state == ENDED),
            )
        ).all()
        candidates = [
            hand.consultation_id
            for hand, state in rows
            if state == ENDED or _timing(hand, now).remaining <= 0
        ]
    for consultation_id in candidates:
        with core.store.transaction() as tx:
            consultation = tx.get_one(Consultation, consultation_id, with_for_update=True)
            current = _speaking(tx, consultation.id)
            if current is None:
                continue
            hand, person = current
            if consultation.state == ENDED:
                draft = _end(current, consultation.ended_at or now, now, "consultation_ended")
            elif hand.overrun_logged or _timing(hand, now).remaining > 0:
                continue
            else:
                hand.overrun_logged = True
                draft = EventDraft("turn_overran", dict(turn_view(HandFacts.of(hand, person), now)))
            logged += event_log.append(tx, consultation, None, [draft], now)
    return logged


# Reading the queue.


@dataclass(frozen=True)
class HandFacts:
    """A hand and its owner's public profile, read as plain columns (views are made
    from these; reading ORM objects costs several times more per snapshot)."""

    id: int
    item_id: int
    participant_id: int
    topic: str
    state: str
    requested_at: datetime
    spoke_at: datetime | None
    ended_at: datetime | None
    limit_seconds: int
    extra_seconds: int
    display_name: str
    stakeholder_group: str
    country: str
    banned: bool = False

    @classmethod
    def of(cls, hand: SpeakerHand, person: Participant) -> HandFacts:
        return cls(
            hand.id,
            hand.item_id,
            person.id,
            hand.topic,
            hand.state,
            hand.requested_at,
            hand.spoke_at,
            hand.ended_at,
            hand.limit_seconds,
            hand.extra_seconds,
            person.display_name,
            person.stakeholder_group,
            person.country,
            person.banned_at is not None,
        )


_FACTS = select(
    SpeakerHand.id,
    SpeakerHand.item_id,
    SpeakerHand.participant_id,
    SpeakerHand.topic,
    SpeakerHand.state,
    SpeakerHand.requested_at,
    SpeakerHand.spoke_at,
    SpeakerHand.ended_at,
    SpeakerHand.limit_seconds,
    SpeakerHand.extra_seconds,
    Participant.display_name,
    Participant.stakeholder_group,
    Participant.country,
    Participant.banned_at.is_not(None).label("banned"),
).join(Participant, Participant.id == SpeakerHand.participant_id)


# The snapshot's statements, built once: every attendee's join runs them
# (docs/performance.md, "What a statement costs").
_HANDS_IN = _FACTS.where(
    SpeakerHand.consultation_id == bindparam("consultation_id"),
    SpeakerHand.state.in_(bindparam("states", expanding=True)),
).order_by(SpeakerHand.spoke_at, SpeakerHand.id)
_CLOSED_LISTS = select(ClosedSpeakerList.item_id).where(
    ClosedSpeakerList.consultation_id == bindparam("consultation_id")
)
_MY_OPEN_HANDS = (
    select(SpeakerHand)
    .where(
        SpeakerHand.consultation_id == bindparam("consultation_id"),
        SpeakerHand.participant_id == bindparam("participant_id"),
        SpeakerHand.state.in_(rules.OPEN_STATES),
    )
    .order_by(SpeakerHand.requested_at, SpeakerHand.id)
)


def _facts(tx: Session, consultation_id: int, states: Iterable[str]) -> list[HandFacts]:
    """The consultation's hands in `states`; turns taken come in the order they were taken."""
    values = {"consultation_id": consultation_id, "states": list(states)}
    rows = rows_of(tx).execute(_HANDS_IN, values)
    return [HandFacts(**row._mapping) for row in rows]


@dataclass
class QueueState:
    """A consultation's queue as of one read: what every view is made from."""

    settings: rules.SpeakerSettings
    queues: dict[int, list[HandFacts]] = field(default_factory=dict)  # item id → in order
    floor: HandFacts | None = None
    closed: list[int] = field(default_factory=list)
    turns: Counter[int] = field(default_factory=Counter)  # participant id → turns taken
    hands: list[HandFacts] = field(default_factory=list)  # every hand read, as read


def load_queue(tx: Session, consultation: Consultation) -> QueueState:
    settings = rules.read_settings(consultation.settings)
    hands = _facts(tx, consultation.id, (rules.WAITING, rules.SPEAKING, rules.DONE))
    taken = [h for h in hands if h.state != rules.WAITING]
    state = QueueState(settings=settings, hands=hands)
    state.turns = Counter(h.participant_id for h in taken)
    state.floor = next((h for h in taken if h.state == rules.SPEAKING), None)
    history = [h.stakeholder_group for h in taken]
    waiting: dict[int, dict[int, HandFacts]] = {}
    for hand in hands:
        if hand.state == rules.WAITING and not hand.banned:  # a banned person waits no more
            waiting.setdefault(hand.item_id, {})[hand.id] = hand
    for item_id, by_id in waiting.items():
        requests = [
            rules.Request(h.id, h.participant_id, h.stakeholder_group, h.requested_at)
            for h in by_id.values()
        ]
        ordered = rules.order_queue(
            requests, settings.ordering, spoken=set(state.turns), history=history
        )
        state.queues[item_id] = [by_id[r.hand_id] for r in ordered]
    state.closed = sorted(rows_of(tx).scalars(_CLOSED_LISTS, {"consultation_id": consultation.id}))
    return state


def queue_view(state: QueueState, role: str) -> QueueView:
    """The queue as `role` may see it: staff see who waits, attendees only how many
    and in which order (by request number, so each can find their own place)."""
    staff = role != ATTENDEE
    queues: list[ItemQueueView] = []
    for item_id, hands in sorted(state.queues.items()):
        entry: ItemQueueView = {
            "item_id": item_id,
            "waiting": len(hands),
            "hand_ids": [hand.id for hand in hands],
        }
        if staff:
            entry["hands"] = [hand_view(h, state.turns[h.participant_id]) for h in hands]
        queues.append(entry)
    return {
        "ordering": state.settings.ordering,
        "time_limit_seconds": state.settings.time_limit_seconds,
        "item_time_limits": {str(k): v for k, v in (state.settings.item_time_limits or {}).items()},
        "closed_items": state.closed,
        "queues": queues,
    }


def speakers_snapshot(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> SpeakersPart:
    """The queue, the floor and its clock, the settings; staff also the record so far,
    an attendee their own open hands."""
    state = shared(tx, "speakers", lambda: load_queue(tx, consultation))
    floor = turn_view(state.floor, now) if state.floor else None
    active = active_item(agenda_items(tx, consultation))
    queue = queue_view(state, viewer.role)
    view: SpeakersView = {
        "ordering": queue["ordering"],
        "time_limit_seconds": queue["time_limit_seconds"],
        "item_time_limits": queue["item_time_limits"],
        "closed_items": queue["closed_items"],
        "queues": queue["queues"],
        "floor": rules.public_turn(floor) if floor and viewer.role == ATTENDEE else floor,
        "current_item_id": active.id if active else None,
        "list_open": None if active is None else active.id not in state.closed,
    }
    if viewer.role == ATTENDEE:
        view["mine"] = own_hands(state, viewer.participant_id)
    else:
        view["record"] = {
            "items": speakers_by_item(tx, consultation.id, now),
            "totals": speaking_totals(tx, consultation.id, now),
        }
    return {"speakers": view}


def my_hands(tx: Session, consultation_id: int, participant_id: int) -> list[OwnHandView]:
    """A person's open hands (waiting or on the floor), with their own topic."""
    values = {"consultation_id": consultation_id, "participant_id": participant_id}
    return [_own_view(hand) for hand in tx.scalars(_MY_OPEN_HANDS, values)]


def own_hands(state: QueueState, participant_id: int) -> list[OwnHandView]:
    """`my_hands` from a queue already read (the snapshot's): no statement of its own."""
    open_hands = [
        hand
        for hand in state.hands
        if hand.participant_id == participant_id and hand.state in rules.OPEN_STATES
    ]
    return [_own_view(hand) for hand in sorted(open_hands, key=lambda h: (h.requested_at, h.id))]


def _own_view(hand: SpeakerHand | HandFacts) -> OwnHandView:
    return {
        "id": hand.id,
        "item_id": hand.item_id,
        "topic": hand.topic,
        "state": hand.state,
        "requested_at": hand.requested_at.isoformat(),
    }


def people_concerned(events: Iterable[LoggedEvent]) -> dict[int, str]:
    """Whose hands these events changed, each with the last change that concerned them."""
    found: dict[int, str] = {}
    for event in events:
        owner = event.payload.get("participant_id")
        if isinstance(owner, int):
            found[owner] = event.type
    return found


def queue_views(core: Core, consultation_id: int) -> dict[str, QueueView]:
    """The queue for staff and for attendees, read once (the tally renderer uses this)."""
    with core.store.reading() as tx:
        state = load_queue(tx, tx.get_one(Consultation, consultation_id))
        return {"staff": queue_view(state, MODERATOR), "public": queue_view(state, ATTENDEE)}


# The record: what the rapporteur's log and exports show.


def speakers_by_item(tx: Session, consultation_id: int, now: datetime) -> list[dict[str, Any]]:
    """Per agenda item, in agenda order: who spoke, when, for how long (finished turns)."""
    items = tx.scalars(
        select(AgendaItem)
        .where(AgendaItem.consultation_id == consultation_id)
        .order_by(AgendaItem.position)
    ).all()
    by_item: dict[int, list[InterventionView]] = {item.id: [] for item in items}
    for hand in _facts(tx, consultation_id, (rules.DONE,)):
        by_item[hand.item_id].append(intervention_view(hand, now))
    return [
        {
            "item_id": item.id,
            "position": item.position,
            "title": item.title,
            "speakers": by_item[item.id],
            "seconds": sum(s["duration"] for s in by_item[item.id]),
        }
        for item in items
    ]


def speaking_totals(tx: Session, consultation_id: int, now: datetime) -> dict[str, Any]:
    """Speaking time and turns by stakeholder group and by country, most time first."""
    groups: dict[str, list[int]] = {}
    countries: dict[str, list[int]] = {}
    for hand in _facts(tx, consultation_id, (rules.DONE,)):
        seconds = _timing(hand, now).elapsed
        for table, key in ((groups, hand.stakeholder_group), (countries, hand.country)):
            totals = table.setdefault(key, [0, 0])
            totals[0] += 1
            totals[1] += seconds

    def rows(table: dict[str, list[int]], name: str) -> list[dict[str, Any]]:
        ordered = sorted(table.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [{name: key, "turns": t, "seconds": s} for key, (t, s) in ordered]

    return {
        "by_group": rows(groups, "stakeholder_group"),
        "by_country": rows(countries, "country"),
        "turns": sum(t for t, _ in groups.values()),
        "seconds": sum(s for _, s in groups.values()),
    }


# Views of hands and turns.


def hand_view(hand: HandFacts, turns: int | None = None) -> HandView:
    """A request to speak as the chair sees it."""
    view: HandView = {
        "id": hand.id,
        "item_id": hand.item_id,
        "participant_id": hand.participant_id,
        "display_name": hand.display_name,
        "stakeholder_group": hand.stakeholder_group,
        "country": hand.country,
        "topic": hand.topic,
        "state": hand.state,
        "requested_at": hand.requested_at.isoformat(),
    }
    if turns is not None:
        view["turns"] = turns
        view["spoken_before"] = turns > 0
    return view


def turn_view(hand: HandFacts, now: datetime) -> TurnView:
    """A turn on the floor; timings as of `now`, screens tick on from `started_at`."""
    timing = _timing(hand, now)
    return {
        "hand_id": hand.id,
        "item_id": hand.item_id,
        "participant_id": hand.participant_id,
        "display_name": hand.display_name,
        "stakeholder_group": hand.stakeholder_group,
        "country": hand.country,
        "topic": hand.topic,
        "started_at": iso(hand.spoke_at),
        "ended_at": iso(hand.ended_at),
        "limit_seconds": hand.limit_seconds,
        "extra_seconds": hand.extra_seconds,
        "elapsed": timing.elapsed,
        "remaining": timing.remaining,
        "overrun": timing.overrun,
    }


def intervention_view(hand: HandFacts, now: datetime) -> InterventionView:
    """A finished turn: who, on which item, from when to when, how long."""
    view = turn_view(hand, now)
    return {**view, "duration": view["elapsed"]}


def _timing(hand: SpeakerHand | HandFacts, now: datetime) -> rules.TurnTiming:
    assert hand.spoke_at is not None
    return rules.turn_timing(
        hand.spoke_at, hand.limit_seconds, hand.extra_seconds, now, hand.ended_at
    )


def _off_the_list(
    hand: SpeakerHand, person: Participant, state: str, event_type: str, now: datetime
) -> list[EventDraft]:
    """A waiting hand leaves the queue (withdrawn by its owner, removed by the chair)."""
    rules.check_waiting(hand.state)
    hand.state = state
    hand.ended_at = now
    return [EventDraft(event_type, dict(hand_view(HandFacts.of(hand, person))), STAFF)]


def _end(current: Pair, ended_at: datetime, now: datetime, by: str) -> EventDraft:
    hand, person = current
    hand.state = rules.DONE
    hand.ended_at = ended_at
    view = intervention_view(HandFacts.of(hand, person), now)
    return EventDraft("turn_ended", {**view, "ended_by": by})


def _speaking(tx: Session, consultation_id: int) -> Pair | None:
    row = tx.execute(
        select(SpeakerHand, Participant)
        .join(Participant, Participant.id == SpeakerHand.participant_id)
        .where(
            SpeakerHand.consultation_id == consultation_id,
            SpeakerHand.state == rules.SPEAKING,
        )
    ).first()
    return (row[0], row[1]) if row else None


def _hand(tx: Session, consultation: Consultation, hand_id: Any) -> Pair:
    wanted = rules.parse_hand_id(hand_id)
    row = tx.execute(
        select(SpeakerHand, Participant)
        .join(Participant, Participant.id == SpeakerHand.participant_id)
        .where(SpeakerHand.id == wanted, SpeakerHand.consultation_id == consultation.id)
    ).first()
    if row is None:
        raise NotFound("unknown_hand", N_("This request to speak does not exist."))
    return row[0], row[1]


def _turns_by_person(tx: Session, consultation_id: int) -> Counter[int]:
    return Counter(
        tx.scalars(
            select(SpeakerHand.participant_id).where(
                SpeakerHand.consultation_id == consultation_id,
                SpeakerHand.state.in_((rules.SPEAKING, rules.DONE)),
            )
        )
    )


def _is_closed(tx: Session, item_id: int) -> bool:
    return tx.get(ClosedSpeakerList, item_id) is not None


def _item_or_active(consultation: Consultation, item_id: Any) -> AgendaItem:
    """The item named, or the running one when none is named."""
    if item_id is not None:
        return find_item(consultation.items, item_id)
    active = active_item(consultation.items)
    if active is None:
        raise Conflict("no_active_item", N_("No agenda item is running; name the item."))
    return active


def _flush_or(tx: Session, code: str, message: str) -> None:
    """Flush; a unique index refusing the write becomes the error `code` (and a rollback)."""
    try:
        tx.flush()
    except IntegrityError as error:
        raise Conflict(code, message) from error
