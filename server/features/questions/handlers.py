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
from server.core.commands import Handler, calling
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import asks, votes
from . import service as questions


def my_questions(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """An asker's own questions by the receipts their browser kept."""
    return Outcome(reply={"questions": questions.my_questions(core, viewer, data.get("receipts"))})


def question_counts(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Every vote count the viewer may see; a page asks after reconnecting."""
    return Outcome(reply={"counts": questions.vote_counts(core, viewer)})


def set_question_settings(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → anonymity, moderation mode or rate limits changed; everyone hears it."""
    return questions.change_settings(core, viewer, data)


def render_votes(core: Core, consultation_id: int, keys: frozenset[Any]) -> list[tallies.Push]:
    """Absolute counts of the questions whose votes changed, to every audience."""
    counts = questions.public_counts(core, consultation_id, keys)
    if not counts:
        return []
    return [tallies.Push(rooms.AUDIENCES, "question_votes", {"counts": counts})]


# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "my_questions": my_questions,
    "question_counts": question_counts,
    "set_question_settings": set_question_settings,
    # Attendees: an ask's ack carries their own view and a receipt to keep; a vote's, the vote.
    "ask_question": calling(asks.ask, "text", "item_id", "anonymous"),
    "vote_question": calling(votes.vote, "question_id"),
    "unvote_question": calling(votes.withdraw_vote, "question_id"),
    # Moderators run the queue.
    "approve_questions": calling(questions.approve_many, "question_ids"),
    "approve_question": calling(questions.approve, "question_id"),
    "dismiss_question": calling(questions.dismiss, "question_id", "reason"),
    "edit_question": calling(questions.edit, "question_id", "text"),
    "merge_questions": calling(questions.merge, "question_id", "into_id"),
    "pin_question": calling(questions.pin, "question_id"),
    "unpin_question": calling(questions.unpin),
    "answer_question": calling(questions.answer, "question_id", "answer"),
    "reopen_question": calling(questions.reopen, "question_id"),
    "archive_question": calling(questions.archive, "question_id"),
    "open_questions": calling(questions.set_open, "item_id", is_open=True),
    "close_questions": calling(questions.set_open, "item_id", is_open=False),
    "ban_participant": calling(questions.ban, "participant_id"),
    "unban_participant": calling(questions.unban, "participant_id"),
}
