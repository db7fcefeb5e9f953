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

from typing import Any

from server.core import tallies
from server.core.access import Viewer
from server.core.commands import Handler, calling
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import ballots
from . import service as polls


def create_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → a draft (staff hear `poll_created`), or with `open` a live poll for all."""
    return polls.create_poll(core, viewer, data)


def update_poll(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → a rewritten draft; staff hear `poll_updated`."""
    return polls.update_poll(core, viewer, data.get("poll_id"), data)


def render_results(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Staff get every dirty poll's full results; attendees only those they may see now."""
    pushes = []
    for tallied in polls.current_results(core, consultation_id, keys):
        pushes.append(tallies.Push((MODERATOR, RAPPORTEUR), polls.TOPIC, tallied.staff))
        if tallied.public is not None:
            pushes.append(tallies.Push((ATTENDEE,), polls.TOPIC, tallied.public))
    return pushes


# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "create_poll": create_poll,
    "update_poll": update_poll,
    # Moderator → a draft removed; staff hear `poll_deleted`.
    "delete_poll": calling(polls.delete_poll, "poll_id"),
    # Moderator → everyone hears `poll_opened` (after `poll_closed` of the poll it replaces).
    "open_poll": calling(polls.open_poll, "poll_id"),
    # Moderator → everyone hears `poll_closed`, with the final results they may see.
    "close_poll": calling(polls.close_poll, "poll_id"),
    # Moderator → an open-text answer joins the public results, or leaves them; staff hear it.
    "show_poll_answer": calling(polls.show_answer, "poll_id", "answer_id", shown=True),
    "hide_poll_answer": calling(polls.show_answer, "poll_id", "answer_id", shown=False),
    # Moderator → a word-cloud or open-text answer leaves every count and screen, or counts
    # again; staff hear `poll_answer_excluded` / `poll_answer_included`, everyone new results.
    "exclude_poll_answer": calling(polls.exclude_answer, "poll_id", "answer_id", excluded=True),
    "include_poll_answer": calling(polls.exclude_answer, "poll_id", "answer_id", excluded=False),
    # Attendee → their ballot, acknowledged after commit and logged quietly (`ballot_cast`);
    # the voter's other pages, if any, get a `ballot_recorded` notice; counts follow as tallies.
    "cast_ballot": calling(ballots.cast_ballot, "poll_id", "answer"),
}
