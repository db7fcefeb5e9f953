"""Question queue commands: attendees ask and vote, moderators run the queue.

Who receives what: events go to the audiences the service chose (pending
questions and votes to staff, the public queue to everyone, each through its
projection); an author hears about their own question as a `my_question`
notice; vote counts go to everyone as the coalesced `question_votes` state.
"""

from __future__ import annotations

from typing import Any

from ..services import questions
from ..services.access import Viewer
from ..services.core import Core
from . import emitter, rooms, tallies
from .commands import Outcome, command


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


@command("vote_question")
def vote_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.vote(core, viewer, data.get("question_id")))


@command("unvote_question")
def unvote_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.withdraw_vote(core, viewer, data.get("question_id")))


@command("my_questions")
def my_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """An asker's own questions by the receipts their browser kept."""
    return Outcome(reply={"questions": questions.my_questions(core, viewer, data.get("receipts"))})


@command("question_counts")
def question_counts(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Every vote count the viewer may see; a page asks after reconnecting."""
    return Outcome(reply={"counts": questions.vote_counts(core, viewer)})


@command("approve_question")
def approve_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.approve(core, viewer, data.get("question_id")))


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


@command("pin_question")
def pin_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.pin(core, viewer, data.get("question_id")))


@command("unpin_question")
def unpin_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.unpin(core, viewer))


@command("answer_question")
def answer_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    done = questions.answer(core, viewer, data.get("question_id"), data.get("answer"))
    return _outcome(viewer, done)


@command("reopen_question")
def reopen_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.reopen(core, viewer, data.get("question_id")))


@command("archive_question")
def archive_question(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.archive(core, viewer, data.get("question_id")))


@command("set_question_settings")
def set_question_settings(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.change_settings(core, viewer, data))


@command("open_questions")
def open_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.set_open(core, viewer, data.get("item_id"), True))


@command("close_questions")
def close_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.set_open(core, viewer, data.get("item_id"), False))


@command("ban_participant")
def ban_participant(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.ban(core, viewer, data.get("participant_id")))


@command("unban_participant")
def unban_participant(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _outcome(viewer, questions.unban(core, viewer, data.get("participant_id")))


@tallies.topic(questions.VOTES_TOPIC)
def render_votes(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Absolute counts of the questions whose votes changed, to every audience."""
    counts = questions.public_counts(core, consultation_id, keys)
    if not counts:
        return []
    return [tallies.Push(rooms.AUDIENCES, "question_votes", {"counts": counts})]
