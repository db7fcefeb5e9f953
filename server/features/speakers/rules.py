"""The speakers' queue: who asked for the floor, in what order they get it, and the clock.

A hand is one request to speak on one agenda item. It waits, is given the floor
(speaking), and ends done; or it is withdrawn by its owner or removed by the
chair. At most one hand per consultation is speaking at a time.

The order in which waiting hands get the floor is derived, never stored: the
chair switches between orderings and the queue re-sorts itself from the same
facts (when each hand was raised, each person's group, who has spoken already).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

from server.core.errors import N_, Conflict, DomainError, Forbidden, Label, NotFound
from server.core.events import ATTENDEE, Payload, Projection
from server.core.ids import as_id
from server.core.text import optional_text, require_int

WAITING, SPEAKING, DONE, WITHDRAWN, REMOVED = "waiting", "speaking", "done", "withdrawn", "removed"
OPEN_STATES = (WAITING, SPEAKING)

REQUESTED, FIRST_TIME, BALANCED = "requested", "first_time", "balanced"
ORDERINGS = (REQUESTED, FIRST_TIME, BALANCED)

DEFAULT_TIME_LIMIT = 180
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 15, 60 * 60
MIN_EXTENSION, MAX_EXTENSION = 10, 10 * 60
MAX_TOPIC_LENGTH = 120


ALREADY_IN_QUEUE = N_("This person already has a request to speak on this agenda item.")
FLOOR_TAKEN = N_("Someone else has the floor; end their turn first.")
ALREADY_CLOSED = N_("This list of speakers is already closed.")

# Events about the floor are public; attendees read them without the speaker's
# participant number and without the topic they gave the chair.
TURN_EVENTS = ("floor_given", "turn_extended", "turn_overran", "turn_ended", "turn_cancelled")
_PRIVATE_TURN_FIELDS = frozenset({"participant_id", "topic"})


def public_turn(turn: Mapping[str, Any]) -> Payload:
    return {k: v for k, v in turn.items() if k not in _PRIVATE_TURN_FIELDS}


# How attendees read the floor's events (installed by server/bootstrap.py).
PROJECTIONS: dict[tuple[str, str], Projection] = {
    (event_type, ATTENDEE): public_turn for event_type in TURN_EVENTS
}


@dataclass(frozen=True)
class Request:
    """What ordering needs to know about a waiting hand."""

    hand_id: int
    participant_id: int
    group: str
    requested_at: datetime


def _fifo_key(request: Request) -> tuple[datetime, int]:
    return (request.requested_at, request.hand_id)


def order_queue(
    waiting: Sequence[Request],
    ordering: str,
    *,
    spoken: Collection[int],
    history: Sequence[str],
) -> list[Request]:
    """The waiting hands in the order they get the floor.

    `spoken` holds the participants who have had a turn in this consultation;
    `history` the stakeholder groups of its turns so far, oldest first.
    """
    if ordering == FIRST_TIME:
        return first_time_first(waiting, spoken)
    if ordering == BALANCED:
        return balanced(waiting, history)
    return sorted(waiting, key=_fifo_key)


def first_time_first(waiting: Sequence[Request], spoken: Collection[int]) -> list[Request]:
    """People who have not spoken yet, in order of request; then everyone else, likewise."""
    return sorted(waiting, key=lambda r: (r.participant_id in spoken, *_fifo_key(r)))


def balanced(waiting: Sequence[Request], history: Sequence[str]) -> list[Request]:
    """Round-robin over stakeholder groups, so no group takes the floor twice running
    while another waits.

    The next turn goes to the waiting group that has gone longest without the floor
    (a group that has not spoken at all comes first); a tie between such groups goes
    to the one whose first hand was raised earliest. Within a group, first come,
    first served.
    """
    last_turn: dict[str, int] = {}
    for position, group in enumerate(history):
        last_turn[group] = position
    queues: dict[str, list[Request]] = {}
    for request in sorted(waiting, key=_fifo_key):
        queues.setdefault(request.group, []).append(request)
    ordered: list[Request] = []
    turn = len(history)
    while queues:
        group = min(queues, key=lambda g: (last_turn.get(g, -1), _fifo_key(queues[g][0])))
        ordered.append(queues[group].pop(0))
        if not queues[group]:
            del queues[group]
        last_turn[group] = turn
        turn += 1
    return ordered


@dataclass(frozen=True)
class TurnTiming:
    allotted: int  # seconds: the limit plus extensions
    elapsed: int
    remaining: int  # negative once the speaker runs over
    overrun: int


def turn_timing(
    started_at: datetime,
    limit_seconds: int,
    extra_seconds: int,
    now: datetime,
    ended_at: datetime | None = None,
) -> TurnTiming:
    """The speaking clock: the server keeps the start, screens tick on from there."""
    elapsed = max(0, int(((ended_at or now) - started_at).total_seconds()))
    allotted = limit_seconds + extra_seconds
    remaining = allotted - elapsed
    return TurnTiming(allotted, elapsed, remaining, max(0, -remaining))


@dataclass(frozen=True)
class SpeakerSettings:
    """`Consultation.settings["speakers"]`, with defaults for what is missing or unusable."""

    ordering: str = REQUESTED
    time_limit_seconds: int = DEFAULT_TIME_LIMIT
    item_time_limits: Mapping[int, int] | None = None

    def limit_for(self, item_id: int) -> int:
        return (self.item_time_limits or {}).get(item_id, self.time_limit_seconds)


def _usable_limit(value: Any) -> TypeGuard[int]:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and MIN_TIME_LIMIT <= value <= MAX_TIME_LIMIT
    )


def read_settings(settings: Mapping[str, Any] | None) -> SpeakerSettings:
    """Read the feature's settings; an unusable value falls back to its default."""
    raw = (settings or {}).get("speakers")
    if not isinstance(raw, dict):
        return SpeakerSettings()
    ordering = raw.get("ordering")
    limit = raw.get("time_limit_seconds")
    items: dict[int, int] = {}
    overrides = raw.get("item_time_limits")
    for key, value in overrides.items() if isinstance(overrides, dict) else ():
        if str(key).isdigit() and _usable_limit(value):
            items[int(key)] = value
    return SpeakerSettings(
        ordering=ordering if ordering in ORDERINGS else REQUESTED,
        time_limit_seconds=limit if _usable_limit(limit) else DEFAULT_TIME_LIMIT,
        item_time_limits=items,
    )


def write_settings(
    settings: Mapping[str, Any] | None,
    *,
    ordering: str | None = None,
    time_limit_seconds: int | None = None,
    item_limit: tuple[int, int | None] | None = None,
) -> dict[str, Any]:
    """A new settings mapping with the speakers' part changed (the stored one is not mutated)."""
    whole = dict(settings or {})
    current = read_settings(whole)
    part: dict[str, Any] = {
        "ordering": ordering or current.ordering,
        "time_limit_seconds": time_limit_seconds or current.time_limit_seconds,
        "item_time_limits": {str(k): v for k, v in (current.item_time_limits or {}).items()},
    }
    if item_limit is not None:
        item_id, seconds = item_limit
        if seconds is None:
            part["item_time_limits"].pop(str(item_id), None)
        else:
            part["item_time_limits"][str(item_id)] = seconds
    whole["speakers"] = part
    return whole


@dataclass(frozen=True)
class FileSettings:
    """What an agenda file says about speakers: `settings.speakers`, and per item."""

    ordering: str
    time_limit_seconds: int
    item_limits: Mapping[int, int]  # agenda position (0-based) → seconds


def parse_file_settings(settings: Any, items: Sequence[Any]) -> FileSettings:
    """Check `settings.speakers` ({ordering, time_limit_seconds}) and each item's
    `speakers: {time_limit_seconds}`; a bad value refuses the file, naming where it is."""
    raw = settings.get("speakers") if isinstance(settings, dict) else None
    ordering, limit = REQUESTED, DEFAULT_TIME_LIMIT
    if raw is not None:
        where = N_("Settings, speakers: %(reason)s")
        _check_mapping(raw, where, {})
        ordering = _located(parse_ordering, raw.get("ordering", ordering), where, {})
        limit = _located(parse_time_limit, raw.get("time_limit_seconds", limit), where, {})
    item_limits: dict[int, int] = {}
    for index, item in enumerate(items):
        part = item.get("speakers") if isinstance(item, dict) else None
        if part is None:
            continue
        where = N_("Agenda item %(item)s, speakers: %(reason)s")
        _check_mapping(part, where, {"item": index + 1})
        if "time_limit_seconds" in part:
            item_limits[index] = _located(
                parse_time_limit, part["time_limit_seconds"], where, {"item": index + 1}
            )
    return FileSettings(ordering, limit, item_limits)


def _check_mapping(value: Any, where: str, params: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise DomainError(
            "invalid_speakers_settings",
            where,
            reason=Label(N_("this must be a mapping.")),
            **params,
        )


def _located(parse: Any, value: Any, where: str, params: dict[str, Any]) -> Any:
    """Run `parse`; a refusal keeps its code and says where in the file it was."""
    try:
        return parse(value)
    except DomainError as error:
        raise DomainError(error.code, where, reason=error, **params) from error


# Validation of what people send.


def parse_topic(value: Any) -> str:
    return optional_text(value, "topic", max_length=MAX_TOPIC_LENGTH).replace("\n", " ")


def parse_ordering(value: Any) -> str:
    if value not in ORDERINGS:
        raise DomainError(
            "unknown_ordering",
            N_("The ordering is one of: requested, first_time, balanced."),
        )
    return str(value)


def parse_time_limit(value: Any) -> int:
    return require_int(value, "seconds", minimum=MIN_TIME_LIMIT, maximum=MAX_TIME_LIMIT)


def parse_extension(value: Any) -> int:
    return require_int(value, "seconds", minimum=MIN_EXTENSION, maximum=MAX_EXTENSION)


def parse_hand_id(value: Any) -> int:
    hand_id = as_id(value)
    if hand_id is None:
        raise NotFound("unknown_hand", N_("This request to speak does not exist."))
    return hand_id


# The rules of each transition; `state` is the hand's current state.


def check_can_raise(list_closed: bool, open_hand_state: str | None) -> None:
    if open_hand_state is not None:
        raise Conflict("already_in_queue", ALREADY_IN_QUEUE)
    if list_closed:
        raise Conflict("list_closed", N_("The list of speakers for this agenda item is closed."))


def check_owner(owner_id: int, actor_id: int) -> None:
    if owner_id != actor_id:
        raise Forbidden("not_your_hand", N_("Only the person who asked to speak can do this."))


def check_waiting(state: str) -> None:
    if state != WAITING:
        raise Conflict("not_in_queue", N_("This person is not waiting in the queue."))


def check_floor_free(speaking_hand_id: int | None, replacing: Any) -> bool:
    """May the floor be given now? True if the current turn must end first.

    `replacing` is the hand the chair saw speaking when they gave the floor on: a
    turn is ended only if it is still that one, so two chairs acting at once
    cannot both move the floor on.
    """
    if speaking_hand_id is None:
        return False
    if replacing is not None and replacing == speaking_hand_id and not isinstance(replacing, bool):
        return True
    raise Conflict("floor_taken", FLOOR_TAKEN)


def check_someone_speaking(speaking_hand_id: int | None, expected: Any = None) -> int:
    if speaking_hand_id is None:
        raise Conflict("no_speaker", N_("Nobody has the floor."))
    if expected is not None and expected != speaking_hand_id:
        raise Conflict("not_speaking", N_("This person does not have the floor."))
    return speaking_hand_id


def check_can_put_back(state: str) -> None:
    if state == WAITING:
        raise Conflict("already_in_queue", ALREADY_IN_QUEUE)
    if state == DONE:
        raise Conflict(
            "already_spoke",
            N_("This person has had their turn; they can ask to speak again."),
        )
