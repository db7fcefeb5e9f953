"""Poll commands, and the coalesced `poll_results` pushes.

Who sends what: a moderator sends `create_poll`, `update_poll`, `delete_poll`,
`open_poll`, `close_poll`, `show_poll_answer`, `hide_poll_answer`,
`exclude_poll_answer`, `include_poll_answer`; an attendee
sends `cast_ballot`. Poll events go to the audiences docs/api.md lists. Counts
never travel per ballot: a ballot marks its poll dirty, and a few times a second
staff receive the full results and attendees (with the present view) the public
results, only while the poll's visibility allows them any.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.core import emitter, tallies
from server.core.access import Viewer
from server.core.commands import Handler, Outcome, command
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, LoggedEvent
from server.core.runtime import Core

from . import ballots
from . import service as polls

TOPIC = "poll_results"


def _changed(viewer: Viewer, poll_id: Any) -> None:
    tallies.mark(viewer.consultation_id, TOPIC, poll_id)


@command("create_poll")
def create_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → a draft (staff hear `poll_created`), or with `open` a live poll for all."""
    poll_id, events = polls.create_poll(core, viewer, data)
    _changed(viewer, poll_id)
    return Outcome(events, {"poll_id": poll_id})


@command("update_poll")
def update_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → a rewritten draft; staff hear `poll_updated`."""
    return Outcome(polls.update_poll(core, viewer, data.get("poll_id"), data))


@command("delete_poll")
def delete_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → a draft removed; staff hear `poll_deleted`."""
    return Outcome(polls.delete_poll(core, viewer, data.get("poll_id")))


@command("open_poll")
def open_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → everyone hears `poll_opened` (after `poll_closed` of the poll it replaces)."""
    events = polls.open_poll(core, viewer, data.get("poll_id"))
    _changed(viewer, data.get("poll_id"))
    return Outcome(events)


@command("close_poll")
def close_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → everyone hears `poll_closed`, with the final results they may see."""
    events = polls.close_poll(core, viewer, data.get("poll_id"))
    _changed(viewer, data.get("poll_id"))
    return Outcome(events)


AnswerFlag = Callable[[Core, Viewer, Any, Any, bool], list[LoggedEvent]]


def _answer_flag(service: AnswerFlag, value: bool) -> Handler:
    """A moderator's command setting one answer's flag: `{poll_id, answer_id}`."""

    def handle(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
        events = service(core, viewer, data.get("poll_id"), data.get("answer_id"), value)
        _changed(viewer, data.get("poll_id"))
        return Outcome(events)

    return handle


# Moderator → an open-text answer joins the public results, or leaves them; staff hear it.
command("show_poll_answer")(_answer_flag(polls.show_answer, True))
command("hide_poll_answer")(_answer_flag(polls.show_answer, False))
# Moderator → a word-cloud or open-text answer leaves every count and screen, or counts
# again; staff hear `poll_answer_excluded` / `poll_answer_included`, everyone new results.
command("exclude_poll_answer")(_answer_flag(polls.exclude_answer, True))
command("include_poll_answer")(_answer_flag(polls.exclude_answer, False))


@command("cast_ballot")
def cast_ballot(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Attendee → their ballot, acknowledged after commit and logged quietly (`ballot_cast`).

    The voter's other pages, if any, get a `ballot_recorded` notice; counts follow as tallies.
    """
    cast = ballots.cast_ballot(core, viewer, data.get("poll_id"), data.get("answer"))
    if cast.outcome != ballots.UNCHANGED:
        _changed(viewer, cast.poll_id)
    if cast.other_pages:
        emitter.notify(
            viewer.participant_id,
            "ballot_recorded",
            {"poll_id": cast.poll_id, "answer": cast.answer},
        )
    return Outcome(
        cast.events,
        {
            "poll_id": cast.poll_id,
            "answer": cast.answer,
            "changed": cast.outcome == ballots.CHANGED,
        },
    )


@tallies.topic(TOPIC)
def render_results(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Staff get every dirty poll's full results; attendees only those they may see now."""
    pushes = []
    for tallied in polls.current_results(core, consultation_id, keys):
        pushes.append(tallies.Push((MODERATOR, RAPPORTEUR), TOPIC, tallied.staff))
        if tallied.public is not None:
            pushes.append(tallies.Push((ATTENDEE,), TOPIC, tallied.public))
    return pushes
