"""Running polls: prepare, open, vote, close; each audience sees only what it may."""

import uuid

import pytest
from sqlalchemy import func, select

from server.core.access import Viewer
from server.core.errors import DomainError
from server.core.models import Consultation, Event
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec
from server.features.consultations.snapshots import catch_up, snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.polls.models import Ballot, Poll
from server.features.presence import service as presence
from tests.conftest import DEMO_SPEC, WIRING

CHOICES = {
    "type": "single",
    "question": "Ratify the Convention?",
    "options": ["Yes", "No", "Unsure"],
}


def new_poll(core, c, *, open=False, **fields):
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, **fields, "open": open}).reply[
        "poll_id"
    ]
    return poll_id


def present_view(c):
    """The screen-shared view: the moderator's person, reading as the public does."""
    return Viewer(c.id, c.moderator.participant_id, "attendee")


def part(core, viewer):
    return snapshot(core, viewer)["polls"]


def results_for(core, viewer, poll_id):
    return part(core, viewer)["results"].get(str(poll_id))


def counts(results):
    return [row["value"] for row in results["rows"]]


def log(core, consultation_id):
    with core.store.reading() as tx:
        return tx.execute(
            select(Event.seq, Event.type, Event.visibility, Event.payload)
            .where(Event.consultation_id == consultation_id)
            .order_by(Event.seq)
        ).all()


def ballot_count(core, poll_id):
    with core.store.reading() as tx:
        return tx.scalar(select(func.count()).where(Ballot.poll_id == poll_id))


def refused_code(function, *args):
    with pytest.raises(DomainError) as error:
        function(*args)
    return error.value.code


def test_a_draft_is_seen_by_staff_only(create_consultation, core):
    c = create_consultation()
    created = polls.create_poll(core, c.moderator, CHOICES)

    poll_id, events = created.reply["poll_id"], created.events
    assert [(e.type, e.visibility) for e in events] == [("poll_created", "staff")]
    assert [p["id"] for p in part(core, c.moderator)["items"]] == [poll_id]
    assert [p["id"] for p in part(core, c.rapporteur())["items"]] == [poll_id]
    assert part(core, c.join())["items"] == []
    assert part(core, present_view(c))["items"] == []


def test_a_poll_created_live_opens_for_everyone_at_once(create_consultation, core):
    c = create_consultation()
    created = polls.create_poll(core, c.moderator, {**CHOICES, "open": True})

    poll_id, events = created.reply["poll_id"], created.events
    assert [(e.type, e.visibility) for e in events] == [
        ("poll_created", "staff"),
        ("poll_opened", "public"),
    ]
    seen = part(core, c.join())
    assert seen["live_poll_id"] == poll_id
    assert seen["items"][0]["state"] == "open"


def test_opening_a_poll_closes_the_one_that_was_live(create_consultation, core):
    c = create_consultation()
    first = new_poll(core, c, open=True)
    second = new_poll(core, c)
    events = polls.open_poll(core, c.moderator, second).events
    assert [e.type for e in events] == ["poll_closed", "poll_opened"]
    assert events[0].payload["poll"]["id"] == first
    states = {p["id"]: p["state"] for p in part(core, c.moderator)["items"]}
    assert states == {first: "closed", second: "open"}


def test_a_ballot_is_counted_and_remembered_for_its_voter(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    amina = c.join(display_name="Amina")
    cast = ballots.cast_ballot(core, amina, poll_id, 1)
    assert cast.reply == {"poll_id": poll_id, "answer": 1, "changed": False}
    assert [(e.type, e.visibility, e.payload) for e in cast.events] == [
        ("ballot_cast", "staff", {"poll_id": poll_id, "changed": False})
    ]
    assert counts(results_for(core, c.moderator, poll_id)) == [0, 1, 0]
    assert part(core, amina)["my_ballots"] == {str(poll_id): 1}
    assert part(core, c.join())["my_ballots"] == {}


def test_a_changed_ballot_moves_its_vote(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    voter = c.join()
    ballots.cast_ballot(core, voter, poll_id, 0)
    assert counts(results_for(core, c.moderator, poll_id)) == [1, 0, 0]
    changed = ballots.cast_ballot(core, voter, poll_id, 2)
    assert changed.reply["changed"] is True
    assert changed.events[0].payload == {"poll_id": poll_id, "changed": True}
    results = results_for(core, c.moderator, poll_id)
    assert counts(results) == [0, 0, 1]
    assert results["voters"] == 1
    assert ballot_count(core, poll_id) == 1


def test_a_poll_can_forbid_changing_a_ballot(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, allow_change=False)
    voter = c.join()
    ballots.cast_ballot(core, voter, poll_id, 0)
    assert refused_code(ballots.cast_ballot, core, voter, poll_id, 1) == "ballot_final"
    assert counts(results_for(core, c.moderator, poll_id)) == [1, 0, 0]


def test_the_same_ballot_sent_twice_is_counted_once_and_logged_once(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, allow_change=False)
    voter = c.join()
    ballots.cast_ballot(core, voter, poll_id, 0)
    again = ballots.cast_ballot(core, voter, poll_id, 0)
    assert (again.reply["changed"], again.events, again.recounts) == (False, [], [])
    assert [row.type for row in log(core, c.id)].count("ballot_cast") == 1


def test_a_ballot_after_close_is_refused(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    voter = c.join()
    polls.close_poll(core, c.moderator, poll_id)
    assert refused_code(ballots.cast_ballot, core, voter, poll_id, 0) == "poll_not_open"
    assert ballot_count(core, poll_id) == 0


def test_a_ballot_on_a_draft_is_refused(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c)
    assert refused_code(ballots.cast_ballot, core, c.join(), poll_id, 0) == "poll_not_open"


@pytest.mark.parametrize(
    ("fields", "answer", "code"),
    [
        ({}, 7, "unknown_option"),
        ({"type": "multiple", "max_choices": 1}, [0, 1], "too_many_choices"),
        ({"type": "rating", "options": None}, 9, "rating_out_of_range"),
        ({"type": "ranking"}, [0, 0, 1], "invalid_ranking"),
        ({"type": "word_cloud", "options": None}, [""], "empty_answer"),
        ({"type": "open_text", "options": None}, "x" * 300, "answer_too_long"),
    ],
)
def test_a_refused_ballot_writes_nothing(create_consultation, core, fields, answer, code):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, **fields)
    voter = c.join()
    before = log(core, c.id)
    assert refused_code(ballots.cast_ballot, core, voter, poll_id, answer) == code
    assert ballot_count(core, poll_id) == 0
    assert log(core, c.id) == before


def test_only_attendees_vote_and_only_moderators_run_polls(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    attendee, rapporteur = c.join(), c.rapporteur()
    for staff in (c.moderator, rapporteur, present_view(c)):
        assert refused_code(ballots.cast_ballot, core, staff, poll_id, 0) == "forbidden"
    for someone in (attendee, rapporteur):
        assert refused_code(polls.create_poll, core, someone, CHOICES) == "forbidden"
        assert refused_code(polls.close_poll, core, someone, poll_id) == "forbidden"


def test_a_poll_of_another_consultation_is_unknown(create_consultation, core):
    mine, theirs = create_consultation(), create_consultation()
    poll_id = new_poll(core, theirs, open=True)
    assert refused_code(ballots.cast_ballot, core, mine.join(), poll_id, 0) == "unknown_poll"
    assert refused_code(polls.close_poll, core, mine.moderator, poll_id) == "unknown_poll"
    assert refused_code(polls.open_poll, core, mine.moderator, "1") == "unknown_poll"
    item_of_theirs = theirs.item_ids()[0]
    code = refused_code(
        polls.create_poll, core, mine.moderator, {**CHOICES, "item_id": item_of_theirs}
    )
    assert code == "unknown_item"


def test_a_poll_is_attached_to_an_agenda_item(create_consultation, core):
    c = create_consultation()
    item = c.item_ids()[2]
    poll_id = new_poll(core, c, item_id=item)
    (poll,) = part(core, c.moderator)["items"]
    assert (poll["id"], poll["item_id"], poll["state"]) == (poll_id, item, "draft")


def test_only_a_draft_can_be_edited_or_deleted(create_consultation, core):
    c = create_consultation()
    draft = new_poll(core, c)
    (event,) = polls.update_poll(
        core, c.moderator, draft, {**CHOICES, "question": "Sign it?"}
    ).events
    assert (event.type, event.payload["question"]) == ("poll_updated", "Sign it?")
    polls.open_poll(core, c.moderator, draft)
    assert refused_code(polls.update_poll, core, c.moderator, draft, CHOICES) == "poll_not_draft"
    assert refused_code(polls.delete_poll, core, c.moderator, draft) == "poll_not_draft"
    other = new_poll(core, c)
    (deleted,) = polls.delete_poll(core, c.moderator, other).events
    assert deleted.payload == {"poll_id": other}
    assert [p["id"] for p in part(core, c.moderator)["items"]] == [draft]


def test_an_open_poll_cannot_be_opened_again_nor_a_closed_one_closed(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    assert refused_code(polls.open_poll, core, c.moderator, poll_id) == "poll_already_open"
    polls.close_poll(core, c.moderator, poll_id)
    assert refused_code(polls.close_poll, core, c.moderator, poll_id) == "poll_not_open"


def test_a_consultation_holds_a_bounded_number_of_polls(create_consultation, core, monkeypatch):
    monkeypatch.setattr(polls.rules, "MAX_POLLS", 2)
    c = create_consultation()
    new_poll(core, c)
    new_poll(core, c)
    assert refused_code(polls.create_poll, core, c.moderator, CHOICES) == "too_many_polls"


def test_after_the_consultation_ends_no_poll_opens_and_no_ballot_counts(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    draft = new_poll(core, c)
    voter = c.join()
    agenda.end_consultation(core, c.moderator)
    assert refused_code(ballots.cast_ballot, core, voter, poll_id, 0) == "consultation_ended"
    assert refused_code(polls.open_poll, core, c.moderator, draft) == "consultation_ended"
    assert refused_code(polls.create_poll, core, c.moderator, CHOICES) == "consultation_ended"
    assert [e.type for e in polls.close_poll(core, c.moderator, poll_id).events] == ["poll_closed"]


def test_after_close_results_reach_no_attendee_before_the_close(create_consultation, core):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    poll_id = new_poll(core, c, open=True, visibility="after_close")
    ballots.cast_ballot(core, attendee, poll_id, 0)
    ballots.cast_ballot(core, c.join(), poll_id, 0)
    for public in (attendee, present_view(c)):
        assert results_for(core, public, poll_id) is None
    assert results_for(core, c.moderator, poll_id)["voters"] == 2
    assert results_for(core, c.rapporteur(), poll_id)["voters"] == 2
    assert all(e["type"] != "ballot_cast" for e in catch_up(core, attendee, since)["events"])
    assert polls.current_results(core, c.id, [poll_id])[0].public is None

    polls.close_poll(core, c.moderator, poll_id)
    for public in (attendee, present_view(c)):
        seen = results_for(core, public, poll_id)
        assert counts(seen) == [2, 0, 0] and "breakdown" not in seen
    (closed,) = [e for e in catch_up(core, attendee, since)["events"] if e["type"] == "poll_closed"]
    assert closed["data"]["results"]["voters"] == 2


def test_reopening_an_after_close_poll_hides_its_results_again(create_consultation, core):
    c = create_consultation()
    attendee = c.join()
    poll_id = new_poll(core, c, open=True, visibility="after_close")
    ballots.cast_ballot(core, attendee, poll_id, 1)
    polls.close_poll(core, c.moderator, poll_id)
    assert results_for(core, attendee, poll_id) is not None
    (opened,) = polls.open_poll(core, c.moderator, poll_id).events
    assert opened.payload["reopened"] is True
    assert results_for(core, attendee, poll_id) is None
    assert polls.current_results(core, c.id, [poll_id])[0].public is None


def test_moderators_only_results_reach_no_attendee_ever(create_consultation, core):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    poll_id = new_poll(core, c, open=True, visibility="moderators")
    ballots.cast_ballot(core, attendee, poll_id, 2)
    polls.close_poll(core, c.moderator, poll_id)
    for public in (attendee, present_view(c)):
        assert results_for(core, public, poll_id) is None
        assert part(core, public)["items"][0]["state"] == "closed"
    events = catch_up(core, attendee, since)["events"]
    (closed,) = [e for e in events if e["type"] == "poll_closed"]
    assert closed["data"]["results"] is None
    assert "voters" not in str([e["data"] for e in events])
    assert polls.current_results(core, c.id, [poll_id])[0].public is None
    rapporteur = c.rapporteur()
    assert counts(results_for(core, rapporteur, poll_id)) == [0, 0, 1]
    (staff_closed,) = [
        e for e in catch_up(core, rapporteur, since)["events"] if e["type"] == "poll_closed"
    ]
    assert staff_closed["data"]["results"]["voters"] == 1


def test_live_results_show_totals_to_attendees_and_breakdowns_to_staff(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    ballots.cast_ballot(core, c.join(stakeholder_group="academia", country="NG"), poll_id, 0)
    attendee = c.join(stakeholder_group="government", country="KE")
    ballots.cast_ballot(core, attendee, poll_id, 1)
    public = results_for(core, attendee, poll_id)
    assert counts(public) == [1, 1, 0] and "breakdown" not in public
    staff = results_for(core, c.moderator, poll_id)
    assert {g["key"] for g in staff["breakdown"]["stakeholder_group"]} == {"academia", "government"}
    assert {g["key"] for g in staff["breakdown"]["country"]} == {"NG", "KE"}


def test_breakdowns_from_real_participants_add_up_to_the_totals(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, type="multiple", max_choices=2)
    people = [
        ("government", "NG", [0]),
        ("government", "KE", [0, 1]),
        ("civil_society", "NG", [1, 2]),
        ("academia", "", [2]),
        ("civil_society", "GH", [0, 2]),
    ]
    for group, country, answer in people:
        ballots.cast_ballot(core, c.join(stakeholder_group=group, country=country), poll_id, answer)
    results = results_for(core, c.rapporteur(), poll_id)
    assert counts(results) == [3, 2, 3]
    for dimension in ("stakeholder_group", "country"):
        groups = results["breakdown"][dimension]
        assert sum(g["voters"] for g in groups) == results["voters"] == 5
        assert [sum(g["values"][i] for g in groups) for i in range(3)] == counts(results)


def test_turnout_is_voters_out_of_people_present(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    people = [c.join() for _ in range(3)]
    for person in people:
        presence.arrive(core, person, f"sid-{uuid.uuid4().hex}", "test-worker")
    ballots.cast_ballot(core, people[0], poll_id, 0)
    ballots.cast_ballot(core, people[1], poll_id, 1)
    results = results_for(core, c.moderator, poll_id)
    assert (results["voters"], results["present"], results["turnout"]) == (2, 3, 0.667)


def test_open_text_answers_are_shown_one_by_one_and_a_changed_answer_is_hidden_again(
    create_consultation, core
):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, type="open_text", options=None)
    author, reader = c.join(), c.join()
    ballots.cast_ballot(core, author, poll_id, "Fund regional CERTs")
    ballots.cast_ballot(core, c.join(), poll_id, "Not for the screen")
    assert results_for(core, reader, poll_id)["answers"] == []
    staff = results_for(core, c.moderator, poll_id)["answers"]
    chosen = next(a["id"] for a in staff if a["text"] == "Fund regional CERTs")
    (shown,) = polls.show_answer(core, c.moderator, poll_id, chosen, True).events
    assert (shown.type, shown.visibility) == ("poll_answer_shown", "staff")
    assert results_for(core, reader, poll_id)["answers"] == [
        {"id": chosen, "text": "Fund regional CERTs"}
    ]
    ballots.cast_ballot(core, author, poll_id, "Something else entirely")
    assert results_for(core, reader, poll_id)["answers"] == []
    polls.show_answer(core, c.moderator, poll_id, chosen, True)
    (hidden,) = polls.show_answer(core, c.moderator, poll_id, chosen, False).events
    assert hidden.type == "poll_answer_hidden"
    assert results_for(core, reader, poll_id)["answers"] == []


def test_showing_an_unknown_answer_or_one_of_a_choice_poll_is_refused(create_consultation, core):
    c = create_consultation()
    text = new_poll(core, c, open=True, type="open_text", options=None)
    assert refused_code(polls.show_answer, core, c.moderator, text, 10**9, True) == "unknown_answer"
    choice = new_poll(core, c)
    assert refused_code(polls.show_answer, core, c.moderator, choice, 1, True) == "not_open_text"


def test_closing_logs_the_final_tallies_for_the_record(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True, type="ranking")
    ballots.cast_ballot(core, c.join(), poll_id, [2, 1, 0])
    ballots.cast_ballot(core, c.join(), poll_id, [2, 0, 1])
    (closed,) = polls.close_poll(core, c.moderator, poll_id).events
    assert closed.visibility == "public"
    final = closed.payload["results"]
    assert final["method"] == "borda"
    assert [(r["label"], r["value"]) for r in final["rows"]] == [
        ("Unsure", 4),
        ("Yes", 1),
        ("No", 1),
    ]
    assert final["breakdown"]["stakeholder_group"][0]["voters"] == 2
    assert closed.envelope("attendee", WIRING)["data"]["results"]["rows"] == final["rows"]
    assert "breakdown" not in closed.envelope("attendee", WIRING)["data"]["results"]


def test_a_snapshot_after_a_ballot_counts_it(create_consultation, core):
    c = create_consultation()
    poll_id = new_poll(core, c, open=True)
    assert results_for(core, c.moderator, poll_id)["voters"] == 0
    ballots.cast_ballot(core, c.join(), poll_id, 0)
    assert results_for(core, c.moderator, poll_id)["voters"] == 1
    ballots.cast_ballot(core, c.join(), poll_id, 0)
    assert results_for(core, c.moderator, poll_id)["voters"] == 2


AGENDA_WITH_POLLS = {
    **DEMO_SPEC,
    "agenda": [
        {"title": "Opening", "minutes": 5},
        {
            "title": "Regional issues",
            "minutes": 15,
            "polls": [
                {"type": "word_cloud", "question": "One word for cybercrime here?"},
                {
                    "type": "rating",
                    "question": "How ready is your country?",
                    "scale": "0-10",
                    "low_label": "Not at all",
                    "high_label": "Fully",
                    "visibility": "after_close",
                },
            ],
        },
        {"title": "Closing", "minutes": 5, "polls": [CHOICES]},
    ],
}


def test_an_agenda_file_prepares_draft_polls_on_its_items(core):
    created = consultations.create(core, parse_spec(AGENDA_WITH_POLLS))
    moderator = consultations.claim_link(core, created.moderator_token, {}).viewer
    seen = part(core, moderator)
    items = snapshot(core, moderator)["agenda"]["items"]
    assert [(p["type"], p["item_id"], p["state"]) for p in seen["items"]] == [
        ("word_cloud", items[1]["id"], "draft"),
        ("rating", items[1]["id"], "draft"),
        ("single", items[2]["id"], "draft"),
    ]
    assert seen["items"][1]["scale_max"] == 10 and seen["items"][1]["low_label"] == "Not at all"


@pytest.mark.parametrize(
    ("polls_field", "code"),
    [
        ("not a list", "invalid_polls"),
        (
            [{"type": "single", "question": "Q?", "options": ["Same", "same"]}],
            "invalid_poll_options",
        ),
        ([{"type": "rating", "question": "Q?", "scale": "1-100"}], "invalid_scale"),
    ],
)
def test_a_bad_poll_in_an_agenda_file_refuses_the_whole_file(core, polls_field, code):
    spec = {
        **DEMO_SPEC,
        "short_name": f"bad-{uuid.uuid4().hex[:8]}",
        "agenda": [{"title": "Opening", "minutes": 5, "polls": polls_field}],
    }
    polls_before = _all_polls(core)
    with pytest.raises(DomainError) as error:
        consultations.create(core, parse_spec(spec))
    assert error.value.code == code
    assert "Agenda item 1" in error.value.message
    assert _all_polls(core) == polls_before
    with core.store.reading() as tx:
        named = select(func.count()).where(Consultation.short_name == spec["short_name"])
        assert tx.scalar(named) == 0


def _all_polls(core):
    with core.store.reading() as tx:
        return tx.scalar(select(func.count(Poll.id)))


def test_an_id_too_large_for_the_database_is_simply_unknown(create_consultation, core):
    c = create_consultation()
    assert refused_code(polls.close_poll, core, c.moderator, 10**20) == "unknown_poll"
    text = new_poll(core, c, open=True, type="open_text", options=None)
    assert refused_code(polls.show_answer, core, c.moderator, text, 2**63, True) == "unknown_answer"
