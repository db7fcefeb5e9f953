"""Question queue commands: attendees ask and vote, moderators run the queue.

Who receives what: events go to the audiences the service chose (pending
questions and votes to staff, the public queue to everyone, each through its
projection); an author hears about their own question as a `my_question`
notice; vote counts go to everyone as the coalesced `question_votes` state.
"""

from __future__ import annotations

from typing import Any

from server.core import rooms, tallies
from server.core.access import Viewer
from server.core.commands import command, command_to
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import service as questions
from . import votes

# Attendees: an ask's ack carries their own view and a receipt to keep; a vote's, the vote.
command_to("ask_question", questions.ask, "text", "item_id", "anonymous")
command_to("vote_question", votes.vote, "question_id")
command_to("unvote_question", votes.withdraw_vote, "question_id")


@command("my_questions")
def my_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """An asker's own questions by the receipts their browser kept."""
    return Outcome(reply={"questions": questions.my_questions(core, viewer, data.get("receipts"))})


@command("question_counts")
def question_counts(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Every vote count the viewer may see; a page asks after reconnecting."""
    return Outcome(reply={"counts": questions.vote_counts(core, viewer)})


# Moderators run the queue.
command_to("approve_questions", questions.approve_many, "question_ids")
command_to("approve_question", questions.approve, "question_id")
command_to("dismiss_question", questions.dismiss, "question_id", "reason")
command_to("edit_question", questions.edit, "question_id", "text")
command_to("merge_questions", questions.merge, "question_id", "into_id")
command_to("pin_question", questions.pin, "question_id")
command_to("unpin_question", questions.unpin)
command_to("answer_question", questions.answer, "question_id", "answer")
command_to("reopen_question", questions.reopen, "question_id")
command_to("archive_question", questions.archive, "question_id")
command_to("open_questions", questions.set_open, "item_id", is_open=True)
command_to("close_questions", questions.set_open, "item_id", is_open=False)
command_to("ban_participant", questions.ban, "participant_id")
command_to("unban_participant", questions.unban, "participant_id")


@command("set_question_settings")
def set_question_settings(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → anonymity, moderation mode or rate limits changed; everyone hears it."""
    return questions.change_settings(core, viewer, data)


@tallies.topic(questions.VOTES_TOPIC)
def render_votes(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Absolute counts of the questions whose votes changed, to every audience."""
    counts = questions.public_counts(core, consultation_id, keys)
    if not counts:
        return []
    return [tallies.Push(rooms.AUDIENCES, "question_votes", {"counts": counts})]
