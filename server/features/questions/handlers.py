"""Question queue commands: attendees ask and vote, moderators run the queue.

Who receives what: events go to the audiences the service chose (pending
questions and votes to staff, the public queue to everyone, each through its
projection); an author hears about their own question as a `my_question`
notice; vote counts go to everyone as the coalesced `question_votes` state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.core import emitter, rooms, tallies
from server.core.access import Viewer
from server.core.commands import Handler, Outcome, command
from server.core.runtime import Core

from . import service as questions
from . import votes


def _outcome(viewer: Viewer, done: questions.Done) -> Outcome:
    """Tell authors, mark counts to push, and hand the events to the registry."""
    for notice in done.notices:
        emitter.notify(notice.participant_id, notice.kind, notice.data)
    for question_id in done.recount:
        tallies.mark(viewer.consultation_id, questions.VOTES_TOPIC, question_id)
    return Outcome(done.events, done.reply)


@command("ask_question")
def ask_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """An attendee asks; the ack carries their own view and a receipt to keep."""
    done = questions.ask(core, viewer, data.get("text"), data.get("item_id"), data.get("anonymous"))
    return _outcome(viewer, done)


@command("my_questions")
def my_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """An asker's own questions by the receipts their browser kept."""
    return Outcome(reply={"questions": questions.my_questions(core, viewer, data.get("receipts"))})


@command("question_counts")
def question_counts(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Every vote count the viewer may see; a page asks after reconnecting."""
    return Outcome(reply={"counts": questions.vote_counts(core, viewer)})


@command("approve_questions")
def approve_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.approve_many(core, viewer, data.get("question_ids")))


@command("dismiss_question")
def dismiss_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    done = questions.dismiss(core, viewer, data.get("question_id"), data.get("reason"))
    return _outcome(viewer, done)


@command("edit_question")
def edit_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    done = questions.edit(core, viewer, data.get("question_id"), data.get("text"))
    return _outcome(viewer, done)


@command("merge_questions")
def merge_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    done = questions.merge(core, viewer, data.get("question_id"), data.get("into_id"))
    return _outcome(viewer, done)


@command("unpin_question")
def unpin_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.unpin(core, viewer))


@command("answer_question")
def answer_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    done = questions.answer(core, viewer, data.get("question_id"), data.get("answer"))
    return _outcome(viewer, done)


@command("set_question_settings")
def set_question_settings(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.change_settings(core, viewer, data))


@command("open_questions")
def open_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.set_open(core, viewer, data.get("item_id"), True))


@command("close_questions")
def close_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.set_open(core, viewer, data.get("item_id"), False))


# Commands that name one thing and nothing else: `{"question_id"}` or `{"participant_id"}`.
_BY_ID: dict[str, tuple[str, Callable[[Core, Viewer, Any], questions.Done]]] = {
    "vote_question": ("question_id", votes.vote),
    "unvote_question": ("question_id", votes.withdraw_vote),
    "approve_question": ("question_id", questions.approve),
    "pin_question": ("question_id", questions.pin),
    "reopen_question": ("question_id", questions.reopen),
    "archive_question": ("question_id", questions.archive),
    "ban_participant": ("participant_id", questions.ban),
    "unban_participant": ("participant_id", questions.unban),
}


def _by_id(key: str, service: Callable[[Core, Viewer, Any], questions.Done]) -> Handler:
    def handle(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
        return _outcome(viewer, service(core, viewer, data.get(key)))

    return handle


for _name, (_key, _service) in _BY_ID.items():
    command(_name)(_by_id(_key, _service))


@tallies.topic(questions.VOTES_TOPIC)
def render_votes(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Absolute counts of the questions whose votes changed, to every audience."""
    counts = questions.public_counts(core, consultation_id, keys)
    if not counts:
        return []
    return [tallies.Push(rooms.AUDIENCES, "question_votes", {"counts": counts})]
