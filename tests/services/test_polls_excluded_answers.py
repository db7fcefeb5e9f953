"""A moderator excludes a word-cloud or open-text answer: out of what all see, kept on record."""

from server.features.polls import ballots
from server.features.polls import service as polls
from tests.services.test_polls import (
    log,
    new_poll,
    present_view,
    refused_code,
    results_for,
)

CLOUD = {"type": "word_cloud", "options": None}
TEXT = {"type": "open_text", "options": None}


def words(results):
    return {row["label"]: row["value"] for row in results["rows"]}


def staff_answer(core, c, poll_id, needle):
    answers = results_for(core, c.moderator, poll_id)["answers"]
    return next(a for a in answers if needle in (a.get("text") or " ".join(a.get("words", []))))


def test_an_excluded_word_cloud_answer_no_longer_counts_for_anyone(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, **CLOUD)
    ballots.cast_ballot(core, c.join(), poll_id, ["trust", "capacity"])
    ballots.cast_ballot(core, c.join(), poll_id, ["trust", "slur"])
    assert words(results_for(core, present_view(c), poll_id)) == {
        "trust": 2,
        "capacity": 1,
        "slur": 1,
    }
    offending = staff_answer(core, c, poll_id, "slur")
    assert offending["words"] == ["trust", "slur"] and offending["excluded"] is False

    (event,) = polls.exclude_answer(core, c.moderator, poll_id, offending["id"], True)

    assert (event.type, event.visibility) == ("poll_answer_excluded", "staff")
    assert event.payload == {"poll_id": poll_id, "answer_id": offending["id"]}
    public = results_for(core, present_view(c), poll_id)
    assert words(public) == {"trust": 1, "capacity": 1} and public["voters"] == 1
    assert "answers" not in public and "excluded" not in public
    staff = results_for(core, c.moderator, poll_id)
    assert words(staff) == {"trust": 1, "capacity": 1} and staff["excluded"] == 1
    assert staff_answer(core, c, poll_id, "slur")["excluded"] is True


def test_an_answer_included_again_counts_again(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, **CLOUD)
    ballots.cast_ballot(core, c.join(), poll_id, ["trust"])
    answer = staff_answer(core, c, poll_id, "trust")["id"]
    polls.exclude_answer(core, c.moderator, poll_id, answer, True)
    assert polls.exclude_answer(core, c.moderator, poll_id, answer, True) == []  # already
    (event,) = polls.exclude_answer(core, c.moderator, poll_id, answer, False)
    assert event.type == "poll_answer_included"
    assert words(results_for(core, present_view(c), poll_id)) == {"trust": 1}
    types = [row.type for row in log(core, c.id)]
    assert types.count("poll_answer_excluded") == 1 and types.count("poll_answer_included") == 1


def test_an_excluded_open_text_answer_leaves_the_screen_and_cannot_be_shown(
    create_consultation, core
):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, **TEXT)
    ballots.cast_ballot(core, c.join(), poll_id, "Fund regional CERTs")
    answer = staff_answer(core, c, poll_id, "CERTs")["id"]
    polls.show_answer(core, c.moderator, poll_id, answer, True)
    assert results_for(core, present_view(c), poll_id)["answers"] != []

    polls.exclude_answer(core, c.moderator, poll_id, answer, True)

    public = results_for(core, present_view(c), poll_id)
    assert public["answers"] == [] and public["voters"] == 0
    kept = staff_answer(core, c, poll_id, "CERTs")
    assert kept["excluded"] is True and kept["shown"] is True
    code = refused_code(polls.show_answer, core, c.moderator, poll_id, answer, True)
    assert code == "answer_excluded"


def test_excluding_is_for_moderators_and_free_text_answers_only(create_consultation, core):
    c = create_consultation()
    choice = new_poll(core, c, open=True)
    ballots.cast_ballot(core, c.join(), choice, 0)
    assert refused_code(polls.exclude_answer, core, c.moderator, choice, 1, True) == (
        "not_free_text"
    )
    cloud = new_poll(core, c, open=True, **CLOUD)
    assert refused_code(polls.exclude_answer, core, c.moderator, cloud, 10**9, True) == (
        "unknown_answer"
    )
    assert refused_code(polls.exclude_answer, core, c.moderator, cloud, "1", True) == (
        "unknown_answer"
    )
    assert refused_code(polls.exclude_answer, core, c.rapporteur(), cloud, 1, True) == "forbidden"
