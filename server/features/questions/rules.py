"""The question queue's rules: settings, who may ask, what a moderator may do, who sees whom.

A question is *pending* until a moderator approves it (pre-moderation) or
*approved* from the start (post-moderation). Approved and answered questions
are public; every other state is seen by staff (and the author) only.

Anonymity has two levels. *Anonymous to attendees*: the author is stored and
moderators see them; attendees and rapporteurs do not. *Fully anonymous*: no
author is stored at all, so nobody can see one. The projections at the end of
this module are the one place that strips authors from what attendees and
rapporteurs read, for events and snapshots alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from server.core.errors import N_, Conflict, DomainError, Forbidden, Label, NotFound
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, Payload, Projection
from server.core.ids import as_id
from server.core.text import clean_text, optional_text, require_int

SETTINGS_KEY = "questions"

PENDING = "pending"
APPROVED = "approved"
ANSWERED = "answered"
DISMISSED = "dismissed"
ARCHIVED = "archived"
MERGED = "merged"
# A banned author's pending question: out of every queue until the ban is lifted.
HIDDEN = "hidden"
STATES = (PENDING, APPROVED, ANSWERED, DISMISSED, ARCHIVED, MERGED, HIDDEN)
PUBLIC_STATES = frozenset({APPROVED, ANSWERED})
# What staff queues hold; hidden questions are out of sight until an unban.
STAFF_STATES = frozenset(STATES) - {HIDDEN}

NAMED = "off"
ANONYMOUS_TO_ATTENDEES = "attendees"
FULLY_ANONYMOUS = "full"
ANONYMITY_LEVELS = (NAMED, ANONYMOUS_TO_ATTENDEES, FULLY_ANONYMOUS)

PRE_MODERATION = "pre"
POST_MODERATION = "post"
MODERATION_MODES = (PRE_MODERATION, POST_MODERATION)

MAX_TEXT = 500
MAX_ANSWER = 2000
MAX_REASON = 300
MAX_BULK = 200
MAX_RECEIPTS = 100


@dataclass(frozen=True)
class Settings:
    """A consultation's question settings, read from `Consultation.settings["questions"]`."""

    anonymity: str = ANONYMOUS_TO_ATTENDEES
    moderation: str = PRE_MODERATION
    min_interval_seconds: int = 15
    max_per_person: int = 20
    open: bool = True
    closed_items: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["closed_items"] = list(self.closed_items)
        return data


ADJUSTABLE = ("anonymity", "moderation", "min_interval_seconds", "max_per_person")


def settings_of(consultation_settings: Mapping[str, Any]) -> Settings:
    """The effective settings: stored values where valid, defaults elsewhere."""
    stored = consultation_settings.get(SETTINGS_KEY)
    if not isinstance(stored, Mapping):
        return Settings()
    valid: dict[str, Any] = {}
    for key, value in stored.items():
        try:  # one bad stored value falls back to its default, not the whole feature
            valid.update(parse_settings({key: value}, partial=True))
        except DomainError:
            continue
    return replace(Settings(), **valid)


def parse_settings(data: Any, *, partial: bool) -> dict[str, Any]:
    """Validate settings a moderator sends (or an agenda file holds); unknown keys refused."""
    if not isinstance(data, Mapping):
        raise DomainError("invalid_settings", N_("Settings must be a mapping."))
    known = set(ADJUSTABLE) | {"open", "closed_items"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DomainError(
            "unknown_setting", N_("There is no question setting %(name)s."), name=unknown[0]
        )
    parsed: dict[str, Any] = {}
    if "anonymity" in data:
        if data["anonymity"] not in ANONYMITY_LEVELS:
            raise DomainError(
                "invalid_anonymity", N_("Anonymity is one of off, attendees or full.")
            )
        parsed["anonymity"] = data["anonymity"]
    if "moderation" in data:
        if data["moderation"] not in MODERATION_MODES:
            raise DomainError("invalid_moderation", N_("Moderation is pre or post."))
        parsed["moderation"] = data["moderation"]
    if "min_interval_seconds" in data:
        parsed["min_interval_seconds"] = require_int(
            data["min_interval_seconds"], "min_interval_seconds", minimum=0, maximum=3600
        )
    if "max_per_person" in data:
        parsed["max_per_person"] = require_int(
            data["max_per_person"], "max_per_person", minimum=1, maximum=1000
        )
    if "open" in data:
        if not isinstance(data["open"], bool):
            raise DomainError("invalid_open", N_("open is true or false."))
        parsed["open"] = data["open"]
    if "closed_items" in data:
        items = data["closed_items"]
        if not isinstance(items, list | tuple) or any(
            isinstance(i, bool) or not isinstance(i, int) for i in items
        ):
            raise DomainError("invalid_closed_items", N_("closed_items is a list of item ids."))
        parsed["closed_items"] = tuple(sorted(set(items)))
    if not partial and not parsed:
        raise DomainError("no_settings", N_("Send at least one setting to change."))
    return parsed


def parse_adjustment(data: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a moderator changes with `set_question_settings`."""
    wanted = {key: data[key] for key in ADJUSTABLE if key in data}
    extra = sorted(set(data) - set(ADJUSTABLE))
    if extra:
        raise DomainError(
            "unknown_setting", N_("There is no question setting %(name)s."), name=extra[0]
        )
    return parse_settings(wanted, partial=False)


def with_item_open(settings: Settings, item_id: int | None, is_open: bool) -> Settings:
    """Open or close questions for the whole consultation (`item_id` None) or one item."""
    if item_id is None:
        return replace(settings, open=is_open)
    closed = set(settings.closed_items)
    if is_open:
        closed.discard(item_id)
    else:
        closed.add(item_id)
    return replace(settings, closed_items=tuple(sorted(closed)))


# -- asking -----------------------------------------------------------------


def question_text(value: Any) -> str:
    """The question as typed: trimmed, 1–500 characters, otherwise untouched."""
    return clean_text(value, "question", max_length=MAX_TEXT)


def answer_text(value: Any) -> str:
    return optional_text(value, "answer", max_length=MAX_ANSWER)


def reason_text(value: Any) -> str:
    return optional_text(value, "reason", max_length=MAX_REASON)


def anonymity_for(settings: Settings, requested: Any) -> str:
    """How a question is stored: named, or at the anonymity level the consultation allows."""
    if requested is None or requested is False:
        return NAMED
    if requested is not True:
        raise DomainError("invalid_anonymous", N_("anonymous is true or false."))
    if settings.anonymity == NAMED:
        raise Forbidden(
            "anonymity_not_allowed", N_("This consultation does not take anonymous questions.")
        )
    return settings.anonymity


def check_open(settings: Settings, item_id: int | None) -> None:
    if not settings.open:
        raise Conflict("questions_closed", N_("Questions are closed."))
    if item_id is not None and item_id in settings.closed_items:
        raise Conflict(
            "questions_closed_for_item", N_("Questions are closed for this agenda item.")
        )


@dataclass(frozen=True)
class Quota:
    """How much one person has asked: a count and a time, never which questions."""

    asked: int = 0
    last_asked_at: datetime | None = None


def check_quota(settings: Settings, quota: Quota, now: datetime) -> None:
    if quota.asked >= settings.max_per_person:
        raise Conflict(
            "question_limit_reached",
            N_("You have asked %(limit)s questions, the most this consultation takes."),
            limit=settings.max_per_person,
        )
    if quota.last_asked_at is not None and settings.min_interval_seconds:
        wait = settings.min_interval_seconds - (now - quota.last_asked_at).total_seconds()
        if wait > 0:
            raise Conflict(
                "asking_too_fast",
                N_("Wait %(seconds)s seconds before asking another question."),
                seconds=int(wait + 0.999),
            )


def initial_state(settings: Settings) -> str:
    return PENDING if settings.moderation == PRE_MODERATION else APPROVED


# -- moderating -------------------------------------------------------------

APPROVE = "approve"
DISMISS = "dismiss"
EDIT = "edit"
PIN = "pin"
ANSWER = "answer"
REOPEN = "reopen"
ARCHIVE = "archive"
MERGE = "merge"
MERGE_INTO = "merge_into"

# From which states each action may be taken; the error names the action.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    APPROVE: frozenset({PENDING}),
    DISMISS: frozenset({PENDING, APPROVED}),
    EDIT: frozenset({PENDING, APPROVED, ANSWERED}),
    PIN: frozenset({APPROVED}),
    ANSWER: frozenset({APPROVED, ANSWERED}),
    REOPEN: frozenset({ANSWERED, DISMISSED, ARCHIVED}),
    ARCHIVE: frozenset({APPROVED, ANSWERED}),
    MERGE: frozenset({PENDING, APPROVED}),
    MERGE_INTO: frozenset({APPROVED, ANSWERED}),
}

_REFUSALS = {
    APPROVE: N_("Only a pending question can be approved; this one is %(state)s."),
    DISMISS: N_("Only a pending or approved question can be dismissed; this one is %(state)s."),
    EDIT: N_("This question is %(state)s and can no longer be edited."),
    PIN: N_("Only an approved question can be answered now; this one is %(state)s."),
    ANSWER: N_("Only an approved question can be marked answered; this one is %(state)s."),
    REOPEN: N_("Only an answered, dismissed or archived question can be reopened."),
    ARCHIVE: N_("Only an approved or answered question can be archived; this one is %(state)s."),
    MERGE: N_("Only a pending or approved question can be merged; this one is %(state)s."),
    MERGE_INTO: N_("A question can only be merged into an approved or answered one."),
}


# How a state reads in a refusal ("this one is %(state)s").
_STATE_WORDS = {
    PENDING: N_("pending"),
    APPROVED: N_("approved"),
    ANSWERED: N_("answered"),
    DISMISSED: N_("dismissed"),
    ARCHIVED: N_("archived"),
    MERGED: N_("merged"),
    HIDDEN: N_("hidden"),
}


def check_action(action: str, state: str) -> None:
    """Refuse `action` on a question in `state` with the action's own code."""
    if state not in ALLOWED_FROM[action]:
        code = "cannot_merge_into" if action == MERGE_INTO else f"cannot_{action}"
        raise Conflict(code, _REFUSALS[action], state=Label(_STATE_WORDS.get(state, state)))


def check_merge(source_id: int, target_id: int) -> None:
    if source_id == target_id:
        raise DomainError(
            "cannot_merge_into_itself", N_("A question cannot be merged into itself.")
        )


def is_public(state: str) -> bool:
    return state in PUBLIC_STATES


def check_votable(state: str, *, own: bool) -> None:
    """Votes go to approved questions of others; each refusal has its own code."""
    if state not in PUBLIC_STATES and state not in (DISMISSED, ARCHIVED, MERGED):
        raise unknown_question()
    if own:
        raise Forbidden("own_question", N_("You cannot vote for your own question."))
    refusals = {
        DISMISSED: ("question_dismissed", N_("This question was dismissed.")),
        ARCHIVED: ("question_archived", N_("This question was archived.")),
        MERGED: ("question_merged", N_("This question was merged into another one.")),
        ANSWERED: ("question_answered", N_("This question has been answered.")),
    }
    if state in refusals:
        code, message = refusals[state]
        raise Conflict(code, message)


def unknown_question() -> NotFound:
    return NotFound("unknown_question", N_("This question does not exist."))


def parse_ids(value: Any) -> list[int]:
    """A bulk action's ids: 1–200 whole numbers, duplicates dropped, order kept."""
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= MAX_BULK
        or any(as_id(v) is None for v in value)
    ):
        raise DomainError("invalid_question_ids", N_("Send a list of 1 to 200 question ids."))
    return list(dict.fromkeys(value))


def parse_receipts(value: Any) -> list[str]:
    if (
        not isinstance(value, list)
        or len(value) > MAX_RECEIPTS
        or any(not isinstance(v, str) or len(v) > 100 for v in value)
    ):
        raise DomainError("invalid_receipts", N_("Send a list of at most 100 receipts."))
    return value


# -- who sees what ----------------------------------------------------------
#
# Events and snapshots carry the staff view of a question (as moderators see
# it); attendees and rapporteurs read it through these functions.
#
# Rapporteurs keep the record of what was discussed: they see every question
# once it is decided (approved, answered, dismissed…), never a pending one. A
# pending question is where a ban would tie an author to their questions (ban,
# hide, later restore), so rapporteurs get only its id and state, and the ban
# events reach them without the question lists.

SEEN_BY = {
    ATTENDEE: PUBLIC_STATES,
    MODERATOR: STAFF_STATES,
    RAPPORTEUR: STAFF_STATES - {PENDING},
}


def public_view(view: Payload) -> Payload:
    """What attendees (and the present view) may read of a question."""
    shown = {k: v for k, v in view.items() if k not in ("author", "anonymity", "dismiss_reason")}
    named = view.get("anonymity") == NAMED and view.get("author") is not None
    shown["anonymous"] = not named
    shown["author"] = _public_author(view["author"]) if named else None
    return shown


def rapporteur_view(view: Payload) -> Payload:
    """Rapporteurs read what moderators read, without anonymous authors or pending questions."""
    if view.get("state") not in SEEN_BY[RAPPORTEUR]:
        return {"id": view.get("id"), "state": view.get("state")}
    if view.get("anonymity") == NAMED:
        return view
    return {**view, "author": None}


def view_for(role: str, view: Payload) -> Payload:
    """A staff view of a question as `role` may read it."""
    if role == ATTENDEE:
        return public_view(view)
    if role == RAPPORTEUR:
        return rapporteur_view(view)
    return view


def _public_author(author: Payload) -> Payload:
    return {k: author[k] for k in ("display_name", "stakeholder_group", "country")}


def _projector(view_of: Projection, *, drop: tuple[str, ...] = ()) -> Projection:
    """Project the question views an event holds (`question`, `into`); drop `drop` keys."""

    def project(payload: Payload) -> Payload:
        projected = {k: v for k, v in payload.items() if k not in drop}
        for key in ("question", "into"):
            if isinstance(payload.get(key), dict):
                projected[key] = view_of(payload[key])
        return projected

    return project


QUESTION_EVENTS = (
    "question_asked",
    "question_approved",
    "question_dismissed",
    "question_pinned",
    "question_answered",
    "question_reopened",
    "question_archived",
    "questions_merged",
)


def edited_for_rapporteurs(payload: Payload) -> Payload:
    pending = payload["question"].get("state") not in SEEN_BY[RAPPORTEUR]
    return _projector(rapporteur_view, drop=("previous_text",) if pending else ())(payload)


# How attendees and rapporteurs read the queue's events (installed by server/bootstrap.py).
PROJECTIONS: dict[tuple[str, str], Projection] = {
    **{(event_type, ATTENDEE): _projector(public_view) for event_type in QUESTION_EVENTS},
    **{(event_type, RAPPORTEUR): _projector(rapporteur_view) for event_type in QUESTION_EVENTS},
    # Attendees read an edit's corrected text only: a moderator may edit out what
    # should not show. Rapporteurs read the text before the edit, once they may
    # read the question at all.
    ("question_edited", ATTENDEE): _projector(public_view, drop=("previous_text",)),
    ("question_edited", RAPPORTEUR): edited_for_rapporteurs,
    ("participant_banned", RAPPORTEUR): _projector(rapporteur_view, drop=("hidden",)),
    ("participant_unbanned", RAPPORTEUR): _projector(rapporteur_view, drop=("restored",)),
}
