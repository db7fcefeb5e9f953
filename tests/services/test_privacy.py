"""Consent at join and "my data": what is recorded when a person accepts the privacy
notice, what Baraza shows them it holds, and erasing their name on their own request.
On SQLite and PostgreSQL (the `core` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.core.models import Event, Participant
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations.service import Consent
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.privacy import service as privacy
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.speakers import service as speakers

AMINA = {"display_name": "Amina Bello", "stakeholder_group": "academia", "country": "NG"}
ACCEPTED = Consent(version="0123456789abcdef", language="fr")


@pytest.fixture
def c(create_consultation):
    return create_consultation()


def logged(core, c, event_type: str) -> list[Event]:
    with core.store.reading() as tx:
        return list(
            tx.scalars(select(Event).where(Event.consultation_id == c.id, Event.type == event_type))
        )


def test_accepting_the_notice_is_recorded_with_the_person_and_logged_for_staff_without_a_name(
    core, clock, c
):
    admitted = consultations.join(core, c.join_code, AMINA, consent=ACCEPTED)
    with core.store.reading() as tx:
        person = tx.get_one(Participant, admitted.viewer.participant_id)
        assert (person.consented_at, person.privacy_notice_version) == (
            clock(),
            ACCEPTED.version,
        )
    (event,) = logged(core, c, "privacy_notice_accepted")
    assert event.visibility == "staff"
    assert event.payload == {
        "participant_id": person.id,
        "version": ACCEPTED.version,
        "language": "fr",
    }
    assert [e.type for e in admitted.events] == ["participant_joined", "privacy_notice_accepted"]


def test_a_join_without_consent_still_works_and_records_none(core, c):
    viewer = c.join(**AMINA)
    with core.store.reading() as tx:
        person = tx.get_one(Participant, viewer.participant_id)
        assert (person.consented_at, person.privacy_notice_version) == (None, None)
    assert logged(core, c, "privacy_notice_accepted") == []
    assert privacy.my_data(core, viewer)["consent"] == {
        "given": False,
        "at": None,
        "privacy_notice_version": None,
        "language": None,
    }


def test_my_data_lists_the_profile_consent_questions_upvotes_ballots_and_hands(core, clock, c):
    amina = consultations.join(core, c.join_code, AMINA, consent=ACCEPTED).viewer
    kofi = c.join(display_name="Kofi")
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    mine = asks.ask(core, amina, "Is there interpretation?", None, False).reply
    theirs = asks.ask(core, kofi, "Who pays?", None, False).reply["question"]["id"]
    questions.approve(core, c.moderator, theirs)
    votes.vote(core, amina, theirs)
    poll = polls.create_poll(
        core,
        c.moderator,
        {"type": "multiple", "question": "Which?", "options": ["A", "B", "C"], "open": True},
    ).reply["poll_id"]
    ballots.cast_ballot(core, amina, poll, [2, 0])
    speakers.raise_hand(core, amina, None, "Funding")

    data = privacy.my_data(core, amina)

    assert data["profile"] | {"participant_id": 0} == {
        "participant_id": 0,
        "role": "attendee",
        "display_name": "Amina Bello",
        "stakeholder_group": "academia",
        "country": "NG",
        "joined_at": clock().isoformat(),
    }
    assert data["consent"]["given"] and data["consent"]["language"] == "fr"
    (question,) = data["questions"]
    assert (question["id"], question["text"], question["state"], question["item"]) == (
        mine["question"]["id"],
        "Is there interpretation?",
        "pending",
        "Opening",
    )
    assert data["upvotes"] == 1
    (ballot,) = data["ballots"]
    assert (ballot["poll"], ballot["answer"], ballot["answer_text"]) == ("Which?", [0, 2], "A; C")
    (hand,) = data["hands"]
    assert (hand["item"], hand["topic"], hand["state"]) == ("Opening", "Funding", "waiting")


def test_erasing_my_name_empties_it_and_every_copy_of_it_the_log_holds_for_me(core, c):
    amina = consultations.join(core, c.join_code, AMINA, consent=ACCEPTED).viewer
    namesake = c.join(display_name="Amina Bello")  # the same name, another person
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    asked = asks.ask(core, amina, "Is there interpretation?", None, False).reply
    questions.approve(core, c.moderator, asked["question"]["id"])
    speakers.raise_hand(core, amina, None, "Funding")
    speakers.give_floor(core, c.moderator)

    outcome = privacy.erase_my_name(core, amina)

    assert outcome.reply == {"erased": True}
    (event,) = outcome.events
    assert (event.type, event.visibility) == ("name_erased", "staff")
    assert event.payload["participant_id"] == amina.participant_id
    assert event.payload["events"] >= 4  # joined, asked, approved, floor given
    with core.store.reading() as tx:
        assert tx.get_one(Participant, amina.participant_id).display_name == ""
        assert tx.get_one(Participant, namesake.participant_id).display_name == "Amina Bello"
        events = tx.scalars(select(Event).where(Event.consultation_id == c.id))
        texts = [repr(e.payload) for e in events]
    about_namesake = [t for t in texts if "Amina Bello" in t]
    assert about_namesake and all(
        f"'participant_id': {namesake.participant_id}" in t for t in about_namesake
    )
    assert privacy.my_data(core, amina)["profile"]["display_name"] == ""


def test_after_erasure_my_questions_show_as_anonymous(core, c):
    amina = c.join(**AMINA)
    asked = asks.ask(core, amina, "Is there interpretation?", None, False).reply
    questions.approve(core, c.moderator, asked["question"]["id"])
    viewer = c.join(display_name="Kofi")
    (before,) = snapshot(core, viewer)["questions"]["list"]
    assert before["author"]["display_name"] == "Amina Bello"
    privacy.erase_my_name(core, amina)
    (shown,) = snapshot(core, viewer)["questions"]["list"]
    assert not (shown.get("author") or {}).get("display_name")


def test_erasing_twice_changes_and_logs_nothing_more(core, c):
    amina = c.join(**AMINA)
    privacy.erase_my_name(core, amina)
    again = privacy.erase_my_name(core, amina)
    assert (again.reply, again.events) == ({"erased": False}, [])
    assert len(logged(core, c, "name_erased")) == 1


def test_a_name_can_be_erased_after_the_consultation_ends(core, c):
    amina = c.join(**AMINA)
    agenda.end_consultation(core, c.moderator)
    assert privacy.erase_my_name(core, amina).reply == {"erased": True}


def test_the_log_keeps_other_peoples_names_in_my_events():
    payload = {"turn": {"participant_id": 7, "display_name": "Kofi"}, "display_name": "Amina"}
    assert privacy.without_name_of(payload, 3, top=True) == {
        "turn": {"participant_id": 7, "display_name": "Kofi"},
        "display_name": "",
    }
    assert privacy.without_name_of(payload, 7) == {
        "turn": {"participant_id": 7, "display_name": ""},
        "display_name": "Amina",
    }
