"""The question queue on both databases: asking, voting, moderating, anonymity, limits, bans."""

from __future__ import annotations

import json
from functools import partial

import pytest
from sqlalchemy import func, select

from server.core.errors import DomainError
from server.core.event_log import events_since
from server.core.events import ATTENDEE, RAPPORTEUR
from server.core.models import Event
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import snapshot
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.questions.models import Question, QuestionQuota
from tests.conftest import WIRING
from tests.threads import together


def ask(core, viewer, text="How will the convention protect journalists?", **options):
    """Ask and return the new question's id."""
    done = asks.ask(core, viewer, text, options.get("item_id"), options.get("anonymous", False))
    return done.reply["question"]["id"]


def approved(core, c, viewer, text="Who funds the regional centre?", **options):
    question_id = ask(core, viewer, text, **options)
    questions.approve(core, c.moderator, question_id)
    return question_id


def queue(core, viewer):
    return snapshot(core, viewer)["questions"]


def by_id(views):
    return {view["id"]: view for view in views}


def seqs(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalars(
            select(Event.seq).where(Event.consultation_id == consultation_id).order_by(Event.seq)
        ).all()


def refused(code, command, *args):
    with pytest.raises(DomainError) as error:
        command(*args)
    assert error.value.code == code, error.value
    return error.value


@pytest.fixture
def c(create_consultation):
    return create_consultation()


@pytest.fixture
def open_mic(core, c):
    """No waiting between questions, so a test can ask several at once."""
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 0})
    return c


# -- asking ----------------------------------------------------------------------


def test_a_question_waits_for_approval_and_only_staff_hear_of_it(core, c):
    amina = c.join(display_name="Amina")
    done = asks.ask(core, amina, "  What about data retention?  ", None, False)
    (event,) = done.events
    assert (event.type, event.visibility) == ("question_asked", "staff")
    assert done.reply["question"]["state"] == "pending"
    assert done.reply["question"]["text"] == "What about data retention?"
    assert queue(core, c.join())["list"] == []
    assert [q["state"] for q in queue(core, amina)["mine"]] == ["pending"]
    (seen,) = queue(core, c.moderator)["list"]
    assert seen["author"]["display_name"] == "Amina"


def test_approval_publishes_the_question_to_everyone(core, c):
    question_id = ask(core, c.join(display_name="Amina"))
    done = questions.approve(core, c.moderator, question_id)
    (event,) = done.events
    assert (event.type, event.visibility) == ("question_approved", "public")
    assert event.envelope(ATTENDEE, WIRING)["data"]["question"]["author"]["display_name"] == "Amina"
    (public,) = queue(core, c.join())["list"]
    assert (public["id"], public["state"], public["votes"]) == (question_id, "approved", 0)


def test_post_moderation_publishes_at_once(core, c):
    questions.change_settings(core, c.moderator, {"moderation": "post"})
    done = asks.ask(core, c.join(), "Straight to the queue?", None, False)
    assert done.events[0].visibility == "public"
    assert done.reply["question"]["state"] == "approved"
    assert [q["text"] for q in queue(core, c.join())["list"]] == ["Straight to the queue?"]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)"> & "quotes"',
        "Price in \u202eRSU\u202c please",
        "zero\u200bwidth\u200djoiner",
        "سؤال بالعربية؟",
    ],
)
def test_a_question_is_kept_exactly_as_typed(core, c, text):
    viewer = c.join()
    done = asks.ask(core, viewer, text, None, False)
    assert done.reply["question"]["text"] == text
    questions.approve(core, c.moderator, done.reply["question"]["id"])
    assert queue(core, c.join())["list"][0]["text"] == text
    assert done.events[0].payload["question"]["text"] == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_question"),
        ("   \u200b ", "empty_question"),
        ("x" * 501, "question_too_long"),
        (None, "invalid_question"),
        (42, "invalid_question"),
        ("bell\x07", "invalid_question"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_written(core, c, text, code):
    viewer = c.join()
    before = seqs(core, c.id)
    refused(code, asks.ask, core, viewer, text, None, False)
    assert seqs(core, c.id) == before
    assert queue(core, viewer)["mine"] == []


def test_a_500_character_question_is_accepted(core, c):
    assert asks.ask(core, c.join(), "x" * 500, None, False).reply["question"]["text"]


def test_a_question_is_about_the_running_item_unless_another_is_picked(core, open_mic):
    c = open_mic
    ids = c.item_ids()
    agenda.start_item(core, c.moderator, ids[1])
    viewer = c.join()
    first = asks.ask(core, viewer, "About now", None, False).reply["question"]
    second = asks.ask(core, viewer, "About later", ids[3], False).reply["question"]
    assert (first["item_id"], second["item_id"]) == (ids[1], ids[3])
    refused("unknown_item", asks.ask, core, viewer, "Where?", 999_999, False)
    refused("unknown_item", asks.ask, core, viewer, "Where?", "1", False)


def test_closing_questions_refuses_new_ones_until_reopened(core, c):
    viewer = c.join()
    (event,) = questions.set_open(core, c.moderator, None, False).events
    assert (event.type, event.visibility) == ("questions_closed", "public")
    assert event.payload["settings"]["open"] is False
    refused("questions_closed", asks.ask, core, viewer, "Still there?", None, False)
    questions.set_open(core, c.moderator, None, True)
    assert ask(core, viewer)


def test_questions_can_be_closed_for_one_agenda_item(core, open_mic):
    c = open_mic
    ids = c.item_ids()
    viewer = c.join()
    questions.set_open(core, c.moderator, ids[0], False)
    assert queue(core, viewer)["settings"]["closed_items"] == [ids[0]]
    refused("questions_closed_for_item", asks.ask, core, viewer, "Hi", ids[0], False)
    assert ask(core, viewer, item_id=ids[1])
    questions.set_open(core, c.moderator, ids[0], True)
    assert ask(core, viewer, item_id=ids[0])
    refused("unknown_item", questions.set_open, core, c.moderator, 999_999, False)


def test_asking_after_the_consultation_ended_is_refused(core, c):
    viewer = c.join()
    agenda.end_consultation(core, c.moderator)
    refused("consultation_ended", asks.ask, core, viewer, "Too late?", None, False)


# -- rate limits and bans ---------------------------------------------------------


def test_one_question_per_fifteen_seconds_by_default(core, c, clock):
    viewer = c.join()
    ask(core, viewer)
    clock.advance(10)
    error = refused("asking_too_fast", asks.ask, core, viewer, "Again?", None, False)
    assert "5 seconds" in error.message
    clock.advance(5)
    assert ask(core, viewer, "Now?")


def test_at_most_the_configured_number_of_questions_per_person(core, open_mic):
    c = open_mic
    questions.change_settings(core, c.moderator, {"max_per_person": 2})
    viewer, other = c.join(), c.join()
    ask(core, viewer, "One")
    ask(core, viewer, "Two", anonymous=True)
    error = refused("question_limit_reached", asks.ask, core, viewer, "Three", None, False)
    assert "2" in error.message
    assert ask(core, other, "Someone else's first")


def test_the_quota_counts_anonymous_questions_without_naming_them(core, open_mic):
    c = open_mic
    questions.change_settings(core, c.moderator, {"anonymity": "full"})
    viewer = c.join()
    ask(core, viewer, "Secret one", anonymous=True)
    ask(core, viewer, "Secret two", anonymous=True)
    with core.store.reading() as tx:
        quota = tx.get(QuestionQuota, viewer.participant_id)
        assert quota.asked == 2
        authors = tx.scalars(select(Question.author_id).where(Question.consultation_id == c.id))
        assert list(authors) == [None, None]


def test_a_banned_attendee_is_refused_and_their_pending_questions_hidden(core, open_mic):
    c = open_mic
    troll, fan = c.join(display_name="Troll"), c.join()
    pending = ask(core, troll, "Spam")
    public = approved(core, c, troll, "Earlier, approved")
    other = approved(core, c, fan, "A fair question")
    done = questions.ban(core, c.moderator, troll.participant_id)
    (event,) = done.events
    assert (event.type, event.visibility) == ("participant_banned", "staff")
    assert event.payload["hidden"] == [pending]
    assert "hidden" not in event.envelope(RAPPORTEUR, WIRING)["data"]
    assert pending not in by_id(queue(core, c.moderator)["list"])
    refused("banned", asks.ask, core, troll, "Let me back", None, False)
    refused("banned", votes.vote, core, troll, other)
    refused("unknown_question", questions.approve, core, c.moderator, pending)
    assert public in by_id(queue(core, fan)["list"])


def test_unbanning_returns_hidden_questions_to_the_pending_queue(core, c, clock):
    troll = c.join()
    pending = ask(core, troll, "Spam?")
    questions.ban(core, c.moderator, troll.participant_id)
    (event,) = questions.unban(core, c.moderator, troll.participant_id).events
    assert [q["id"] for q in event.payload["restored"]] == [pending]
    assert by_id(queue(core, c.moderator)["list"])[pending]["state"] == "pending"
    clock.advance(15)
    assert ask(core, troll, "Sorry")
    refused("not_banned", questions.unban, core, c.moderator, troll.participant_id)


def test_only_attendees_of_this_consultation_can_be_banned(core, c, create_consultation):
    stranger = create_consultation().join()
    refused("unknown_participant", questions.ban, core, c.moderator, stranger.participant_id)
    refused("unknown_participant", questions.ban, core, c.moderator, "7")
    refused("cannot_ban_staff", questions.ban, core, c.moderator, c.rapporteur().participant_id)
    viewer = c.join()
    questions.ban(core, c.moderator, viewer.participant_id)
    refused("already_banned", questions.ban, core, c.moderator, viewer.participant_id)


# -- votes ------------------------------------------------------------------------


def test_an_attendee_upvotes_once_and_can_take_it_back(core, c):
    question_id = approved(core, c, c.join())
    voter = c.join()
    done = votes.vote(core, voter, question_id)
    (event,) = done.events
    assert (event.type, event.visibility) == ("question_voted", "staff")
    assert [r.key for r in done.recounts] == [question_id]
    assert queue(core, voter)["my_votes"] == [question_id]
    assert queue(core, voter)["list"][0]["votes"] == 1
    refused("already_voted", votes.vote, core, voter, question_id)
    votes.withdraw_vote(core, voter, question_id)
    assert queue(core, voter)["list"][0]["votes"] == 0
    refused("not_voted", votes.withdraw_vote, core, voter, question_id)


def test_votes_are_refused_where_they_make_no_sense(core, open_mic):
    c = open_mic
    author, voter = c.join(), c.join()
    own = approved(core, c, author, "Mine")
    pending = ask(core, author, "Pending")
    dismissed = approved(core, c, author, "Dismissed")
    questions.dismiss(core, c.moderator, dismissed, "")
    archived = approved(core, c, author, "Archived")
    questions.archive(core, c.moderator, archived)
    answered = approved(core, c, author, "Answered")
    questions.answer(core, c.moderator, answered, "Yes.")
    refused("own_question", votes.vote, core, author, own)
    refused("unknown_question", votes.vote, core, voter, pending)
    refused("question_dismissed", votes.vote, core, voter, dismissed)
    refused("question_archived", votes.vote, core, voter, archived)
    refused("question_answered", votes.vote, core, voter, answered)
    refused("unknown_question", votes.vote, core, voter, 999_999)
    refused("unknown_question", votes.vote, core, voter, True)
    refused("forbidden", votes.vote, core, c.moderator, own)


def test_fifty_attendees_upvoting_at_once_count_exactly_fifty(core, c):
    question_id = approved(core, c, c.join())
    voters = [c.join() for _ in range(50)]

    def upvote(voter):
        votes.vote(core, voter, question_id)
        votes.vote(core, voter, question_id)  # a double click must not count twice

    outcomes = together([partial(upvote, voter) for voter in voters])
    assert [o.code if isinstance(o, DomainError) else o for o in outcomes] == ["already_voted"] * 50
    assert queue(core, c.moderator)["list"][0]["votes"] == 50
    assert questions.public_counts(core, c.id, [question_id]) == {str(question_id): 50}
    with core.store.reading() as tx:
        voted = tx.scalar(
            select(func.count()).where(
                Event.consultation_id == c.id, Event.type == "question_voted"
            )
        )
    assert voted == 50
    assert seqs(core, c.id) == list(range(1, len(seqs(core, c.id)) + 1))


def test_merged_questions_count_each_voter_once(core, open_mic):
    c = open_mic
    first = approved(core, c, c.join(), "Is there a model law?")
    duplicate = approved(core, c, c.join(), "Is there a model law??")
    both, only_first, only_duplicate = c.join(), c.join(), c.join()
    for voter in (both, only_first):
        votes.vote(core, voter, first)
    for voter in (both, only_duplicate):
        votes.vote(core, voter, duplicate)
    done = questions.merge(core, c.moderator, duplicate, first)
    (event,) = done.events
    assert (event.type, event.visibility) == ("questions_merged", "public")
    assert event.payload["question"]["merged_into_id"] == first
    assert [r.key for r in done.recounts] == [first]
    assert questions.public_counts(core, c.id, [first, duplicate]) == {str(first): 3}
    assert [q["id"] for q in queue(core, c.join())["list"]] == [first]
    assert queue(core, both)["my_votes"] == [first]


def test_a_merge_never_gives_an_author_a_vote_on_their_own_question(core, open_mic):
    c = open_mic
    author = c.join()
    theirs = approved(core, c, author, "Original")
    duplicate = approved(core, c, c.join(), "Copy")
    votes.vote(core, author, duplicate)
    questions.merge(core, c.moderator, duplicate, theirs)
    assert questions.public_counts(core, c.id, [theirs]) == {str(theirs): 0}


def test_merges_are_refused_into_itself_or_into_a_question_not_in_the_queue(core, open_mic):
    c = open_mic
    viewer = c.join()
    live = approved(core, c, viewer, "Live")
    pending = ask(core, viewer, "Pending")
    refused("cannot_merge_into_itself", questions.merge, core, c.moderator, live, live)
    refused("cannot_merge_into", questions.merge, core, c.moderator, live, pending)
    questions.merge(core, c.moderator, pending, live)  # a pending duplicate folds in quietly
    refused("cannot_merge", questions.merge, core, c.moderator, pending, live)


def test_a_pending_duplicate_merges_as_a_staff_event(core, open_mic):
    c = open_mic
    author = c.join()
    live = approved(core, c, c.join(), "Live")
    pending = ask(core, author, "Pending copy")
    done = questions.merge(core, c.moderator, pending, live)
    assert done.events[0].visibility == "staff"
    assert done.notices[0].participant_id == author.participant_id
    assert done.notices[0].data["question"]["merged_into_id"] == live


def test_the_author_of_a_merged_question_is_told_which_question_it_joined(core, open_mic):
    c = open_mic
    author = c.join()
    live = approved(core, c, c.join(), "Who protects whistleblowers?")
    pending = ask(core, author, "Whistleblowers: who protects them?")
    done = questions.merge(core, c.moderator, pending, live)
    told = done.notices[0].data["question"]
    assert (told["merged_into_id"], told["merged_into_text"]) == (
        live,
        "Who protects whistleblowers?",
    )
    (mine,) = queue(core, author)["mine"]
    assert mine["merged_into_text"] == "Who protects whistleblowers?"
    assert queue(core, c.join())["mine"] == []
    still = ask(core, author, "Another one")
    assert by_id(queue(core, author)["mine"])[still]["merged_into_text"] is None


# -- moderating -----------------------------------------------------------------


def test_a_dismissal_reason_reaches_the_author_and_no_one_else(core, open_mic):
    c = open_mic
    author = c.join()
    pending = ask(core, author, "Off topic")
    public = approved(core, c, author, "Rude")
    done = questions.dismiss(core, c.moderator, pending, "Not about this session")
    assert done.events[0].visibility == "staff"
    (notice,) = done.notices
    assert (notice.participant_id, notice.kind) == (author.participant_id, "my_question")
    assert notice.data["question"]["dismiss_reason"] == "Not about this session"
    done = questions.dismiss(core, c.moderator, public, "Please stay courteous")
    (event,) = done.events
    assert event.visibility == "public"
    assert "dismiss_reason" not in event.envelope(ATTENDEE, WIRING)["data"]["question"]
    mine = by_id(queue(core, author)["mine"])
    assert mine[pending]["dismiss_reason"] == "Not about this session"
    assert mine[public]["dismiss_reason"] == "Please stay courteous"
    assert queue(core, c.join())["list"] == []


def test_an_edit_fixes_the_text_and_the_log_keeps_the_original(core, c):
    question_id = approved(core, c, c.join(), "Wat about SMEs?")
    (event,) = questions.edit(core, c.moderator, question_id, "What about SMEs?").events
    assert event.payload["previous_text"] == "Wat about SMEs?"
    assert event.envelope(RAPPORTEUR, WIRING)["data"]["previous_text"] == "Wat about SMEs?"
    public = event.envelope(ATTENDEE, WIRING)["data"]
    assert "previous_text" not in public
    assert (public["question"]["text"], public["question"]["edited"]) == ("What about SMEs?", True)
    refused("empty_question", questions.edit, core, c.moderator, question_id, " ")


def test_pinning_shows_one_question_as_now_answering(core, open_mic):
    c = open_mic
    viewer = c.join()
    first, second = approved(core, c, viewer, "First"), approved(core, c, viewer, "Second")
    questions.pin(core, c.moderator, first)
    (event,) = questions.pin(core, c.moderator, second).events
    assert event.payload["previous_id"] == first
    assert queue(core, c.join())["pinned_id"] == second
    questions.answer(core, c.moderator, second, "")
    assert queue(core, c.join())["pinned_id"] is None
    refused("nothing_pinned", questions.unpin, core, c.moderator)
    refused("cannot_pin", questions.pin, core, c.moderator, second)


def test_answering_with_a_written_answer_and_reopening(core, c):
    question_id = approved(core, c, c.join())
    (event,) = questions.answer(core, c.moderator, question_id, "The AU will, from 2025.").events
    assert event.type == "question_answered" and event.visibility == "public"
    (public,) = queue(core, c.join())["list"]
    assert (public["state"], public["answer"]) == ("answered", "The AU will, from 2025.")
    questions.reopen(core, c.moderator, question_id)
    assert queue(core, c.join())["list"][0]["state"] == "approved"
    questions.archive(core, c.moderator, question_id)
    assert queue(core, c.join())["list"] == []
    assert by_id(queue(core, c.moderator)["list"])[question_id]["state"] == "archived"


def test_bulk_approval_skips_questions_another_moderator_already_handled(core, open_mic):
    c = open_mic
    viewer = c.join()
    ids = [ask(core, viewer, f"Question {n}") for n in range(3)]
    questions.dismiss(core, c.moderator, ids[1], "")
    done = questions.approve_many(core, c.moderator, ids)
    assert done.reply == {"approved": [ids[0], ids[2]], "skipped": [ids[1]]}
    assert [e.type for e in done.events] == ["question_approved", "question_approved"]
    refused("invalid_question_ids", questions.approve_many, core, c.moderator, [])
    refused("invalid_question_ids", questions.approve_many, core, c.moderator, "1,2")
    refused("unknown_question", questions.approve_many, core, c.moderator, [ids[0], 999_999])


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (lambda core, m, q: questions.approve(core, m, q), "cannot_approve"),
        (lambda core, m, q: questions.reopen(core, m, q), "cannot_reopen"),
        (lambda core, m, q: questions.merge(core, m, q, q), "cannot_merge_into_itself"),
    ],
)
def test_a_moderator_action_in_the_wrong_state_has_its_own_code(core, c, command, code):
    question_id = approved(core, c, c.join())
    before = seqs(core, c.id)
    refused(code, command, core, c.moderator, question_id)
    assert seqs(core, c.id) == before


def test_dismissed_and_archived_questions_can_only_be_reopened(core, c):
    question_id = approved(core, c, c.join())
    questions.dismiss(core, c.moderator, question_id, "")
    refused("cannot_dismiss", questions.dismiss, core, c.moderator, question_id, "")
    refused("cannot_answer", questions.answer, core, c.moderator, question_id, "")
    refused("cannot_archive", questions.archive, core, c.moderator, question_id)
    refused("cannot_edit", questions.edit, core, c.moderator, question_id, "New")
    (event,) = questions.reopen(core, c.moderator, question_id).events
    assert event.visibility == "public" and event.payload["question"]["dismiss_reason"] == ""


def test_only_moderators_moderate_and_only_attendees_ask(core, c):
    question_id = ask(core, c.join())
    for viewer in (c.join(), c.rapporteur()):
        refused("forbidden", questions.approve, core, viewer, question_id)
        refused("forbidden", questions.ban, core, viewer, viewer.participant_id)
        refused("forbidden", questions.change_settings, core, viewer, {"moderation": "post"})
    refused("forbidden", asks.ask, core, c.moderator, "Chair asks", None, False)


def test_a_question_of_another_consultation_is_unknown(core, c, create_consultation):
    other = create_consultation()
    foreign = ask(core, other.join())
    refused("unknown_question", questions.approve, core, c.moderator, foreign)


# -- settings ---------------------------------------------------------------------


def test_settings_have_documented_defaults(core, c):
    assert queue(core, c.join())["settings"] == {
        "anonymity": "attendees",
        "moderation": "pre",
        "min_interval_seconds": 15,
        "max_per_person": 20,
        "open": True,
        "closed_items": [],
    }


def test_a_moderator_changes_settings_live_and_everyone_hears(core, c):
    (event,) = questions.change_settings(
        core, c.moderator, {"moderation": "post", "anonymity": "full"}
    ).events
    assert (event.type, event.visibility) == ("question_settings_changed", "public")
    assert event.payload["changed"] == {"moderation": "post", "anonymity": "full"}
    assert queue(core, c.join())["settings"]["anonymity"] == "full"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "no_settings"),
        ({"anonymity": "secret"}, "invalid_anonymity"),
        ({"moderation": "none"}, "invalid_moderation"),
        ({"min_interval_seconds": -1}, "invalid_min_interval_seconds"),
        ({"max_per_person": 0}, "invalid_max_per_person"),
        ({"max_per_person": "5"}, "invalid_max_per_person"),
        ({"open": False}, "unknown_setting"),
        ({"colour": "red"}, "unknown_setting"),
    ],
)
def test_bad_settings_are_refused(core, c, changes, code):
    refused(code, questions.change_settings, core, c.moderator, changes)


def test_settings_from_the_agenda_file_are_read(core, create_consultation):
    c = create_consultation(settings={"questions": {"moderation": "post", "anonymity": "full"}})
    settings = queue(core, c.join())["settings"]
    assert (settings["moderation"], settings["anonymity"]) == ("post", "full")


def test_an_agenda_file_with_bad_question_settings_is_refused_whole(core, create_consultation):
    with pytest.raises(DomainError) as refused:
        create_consultation(settings={"questions": {"moderation": "post", "anonymity": "nope"}})
    assert refused.value.code == "invalid_anonymity"


# -- anonymity --------------------------------------------------------------------


def test_anonymous_questions_need_the_consultation_to_allow_them(core, c):
    questions.change_settings(core, c.moderator, {"anonymity": "off"})
    viewer = c.join()
    refused("anonymity_not_allowed", asks.ask, core, viewer, "Hidden?", None, True)
    refused("invalid_anonymous", asks.ask, core, viewer, "Hidden?", None, "yes")


def test_anonymous_to_attendees_moderators_still_see_the_author(core, c):
    author = c.join(display_name="Zanele Mokoena")
    question_id = approved(core, c, author, anonymous=True)
    assert by_id(queue(core, c.moderator)["list"])[question_id]["author"]["display_name"] == (
        "Zanele Mokoena"
    )
    public = queue(core, c.join())["list"][0]
    assert (public["author"], public["anonymous"]) == (None, True)
    assert queue(core, c.rapporteur())["list"][0]["author"] is None


def test_a_fully_anonymous_question_stores_no_author(core, c):
    questions.change_settings(core, c.moderator, {"anonymity": "full"})
    author = c.join(display_name="Kwame Asante")
    done = asks.ask(core, author, "Who watches the watchers?", None, True)
    question_id = done.reply["question"]["id"]
    with core.store.reading() as tx:
        row = tx.get(Question, question_id)
        event = tx.scalar(
            select(Event).where(Event.consultation_id == c.id, Event.type == "question_asked")
        )
        assert (row.author_id, row.anonymity) == (None, "full")
        assert (event.actor_id, event.actor_role) == (None, "attendee")
    assert by_id(queue(core, c.moderator)["list"])[question_id]["author"] is None
    assert queue(core, author)["mine"] == []  # the server cannot know; the receipt can
    found = questions.my_questions(core, author, [done.reply["receipt"]])
    assert [q["id"] for q in found] == [question_id]
    assert questions.my_questions(core, c.join(), ["not-a-receipt-" * 3]) == []
    questions.dismiss(core, c.moderator, question_id, "Duplicate")
    assert questions.my_questions(core, author, [done.reply["receipt"]])[0]["dismiss_reason"] == (
        "Duplicate"
    )


def test_a_fully_anonymous_author_is_never_told_anything_personally(core, c):
    questions.change_settings(core, c.moderator, {"anonymity": "full"})
    question_id = ask(core, c.join(), anonymous=True)
    assert questions.dismiss(core, c.moderator, question_id, "No").notices == []


def test_anonymous_authors_appear_nowhere_an_attendee_or_rapporteur_can_read(core, open_mic):
    c = open_mic
    names = {"attendees": "Secret Attendee-Level", "full": "Secret Fully-Anonymous"}
    ids = {}
    for level, name in names.items():
        questions.change_settings(core, c.moderator, {"anonymity": level})
        author = c.join(display_name=name)
        ids[level] = approved(core, c, author, f"Asked at level {level}", anonymous=True)
        pending = ask(core, author, f"Pending at level {level}", anonymous=True)
        questions.edit(core, c.moderator, ids[level], f"Edited at level {level}")
        questions.pin(core, c.moderator, ids[level])
        questions.answer(core, c.moderator, ids[level], "Answered")
        questions.reopen(core, c.moderator, ids[level])
        questions.dismiss(core, c.moderator, pending, "Duplicate")
        questions.reopen(core, c.moderator, pending)
        questions.merge(core, c.moderator, pending, ids[level])
        votes.vote(core, c.join(), ids[level])
        if level == "attendees":
            later = ask(core, author, "Will be hidden", anonymous=True)
            questions.ban(core, c.moderator, author.participant_id)
            questions.unban(core, c.moderator, author.participant_id)
            questions.approve(core, c.moderator, later)
    observer, rapporteur = c.join(), c.rapporteur()
    with core.store.reading() as tx:
        log = events_since(tx, c.id, 0, public_only=False, limit=10_000)
    # A ban names the person banned, of course; what must not appear is their questions.
    rapporteur_events = [
        e.envelope(RAPPORTEUR, WIRING) for e in log if not e.type.startswith("participant_")
    ] + [
        {k: v for k, v in e.envelope(RAPPORTEUR, WIRING)["data"].items() if k != "participant"}
        for e in log
        if e.type in ("participant_banned", "participant_unbanned")
    ]
    readable = {
        "attendee events": [e.envelope(ATTENDEE, WIRING) for e in log if e.visible_to(ATTENDEE)],
        "rapporteur events": rapporteur_events,
        "attendee snapshot": queue(core, observer),
        "rapporteur snapshot": queue(core, rapporteur),
        "tally": questions.public_counts(core, c.id, ids.values()),
        "counts": questions.vote_counts(core, observer),
    }
    for where, data in readable.items():
        text = json.dumps(data)
        for name in names.values():
            assert name not in text, f"{name} leaked through the {where}"
    banned = next(e for e in log if e.type == "participant_banned")
    assert "hidden" not in banned.envelope(RAPPORTEUR, WIRING)["data"]
    moderator_view = by_id(queue(core, c.moderator)["list"])
    assert moderator_view[ids["attendees"]]["author"]["display_name"] == names["attendees"]
    assert moderator_view[ids["full"]]["author"] is None
    assert names["full"] not in json.dumps(
        [e.payload for e in log if e.type != "participant_joined"]
    )


def test_rapporteurs_see_decided_questions_but_nothing_pending(core, open_mic):
    c = open_mic
    author = c.join(display_name="Named Person")
    pending = ask(core, author, "Still waiting")
    public = approved(core, c, author, "Approved")
    rapporteur = c.rapporteur()
    assert list(by_id(queue(core, rapporteur)["list"])) == [public]
    (event,) = questions.edit(core, c.moderator, pending, "Still waiting!").events
    assert event.envelope(RAPPORTEUR, WIRING)["data"] == {
        "question": {"id": pending, "state": "pending"}
    }
    assert queue(core, rapporteur)["list"][0]["author"]["display_name"] == "Named Person"


def test_a_crowd_asking_at_once_shares_commits_and_a_refusal_stays_its_own(
    core, open_mic, count_commits
):
    """40 attendees ask at once, one of them twice within the interval: 40 questions."""
    c = open_mic
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 15})
    crowd = [c.join() for _ in range(40)]
    commits = count_commits()

    def asks(index, viewer):
        return [ask(core, viewer, f"Question {index}.{n}") for n in range(2 if index == 0 else 1)]

    outcomes = together([partial(asks, i, v) for i, v in enumerate(crowd)])

    assert isinstance(outcomes[0], DomainError) and outcomes[0].code == "asking_too_fast"
    assert all(isinstance(ids, list) and len(ids) == 1 for ids in outcomes[1:])
    with core.store.reading() as tx:
        texts = tx.scalars(select(Question.text).where(Question.consultation_id == c.id)).all()
    assert sorted(texts) == sorted(["Question 0.0"] + [f"Question {i}.0" for i in range(1, 40)])
    assert len(commits) < 40
