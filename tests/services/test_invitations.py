"""Who may take part: open or invited consultations, registration lists, personal links.

In an invited consultation, the people on the registration list join by their
personal link (one person on every device) and take part; walk-ins with the join
code may watch, and ask only if the moderator lets them. Revoking an invitation,
or banning its person, ends that link.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.access import identify
from server.core.errors import DomainError
from server.core.models import Consultation, Invitation, Participant
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations.retention import erase
from server.features.consultations.snapshots import snapshot
from server.features.invitations import rules
from server.features.invitations import service as invitations
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.speakers import service as speakers

SECRET = "test-secret"
LIST = (
    "name,email,stakeholder_group,country,language\n"
    "Amina Diallo,amina@example.org,civil_society,SN,fr\n"
    "João Silva,,government,Mozambique,pt\n"
    "Kofi Mensah,kofi@example.org,academia,GH,\n"
).encode()
PHONE, LAPTOP = "p" * 43, "l" * 43


def refused(code, command, *args):
    with pytest.raises(DomainError) as error:
        command(*args)
    assert error.value.code == code, error.value
    return error.value


def links(core, c):
    return {
        v["display_name"]: v["link"][3:] for v in invitations.invitations(core, c.moderator, SECRET)
    }


@pytest.fixture
def c(create_consultation, core):
    """An invited consultation, running its first item, with three people invited."""
    c = create_consultation(settings={"invitations": {"mode": "invited"}})
    invitations.import_list(core, c.moderator, LIST, SECRET)
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 0, "moderation": "post"})
    return c


def invited(core, c, name="Amina Diallo", device=None):
    return invitations.join_by_link(core, links(core, c)[name], device).viewer


# -- importing ----------------------------------------------------------------------


def test_importing_a_list_invites_everyone_on_it_with_their_profile(core, c):
    people = invitations.invitations(core, c.moderator, SECRET)
    assert [
        (p["display_name"], p["stakeholder_group"], p["country"], p["language"]) for p in people
    ] == [
        ("Amina Diallo", "civil_society", "SN", "fr"),
        ("João Silva", "government", "MZ", "pt"),
        ("Kofi Mensah", "academia", "GH", "en"),  # no language: the consultation's first
    ]
    assert all(p["link"].startswith("/i/") and p["participant_id"] is None for p in people)


def test_links_are_unguessable_and_stored_only_as_hashes(core, c):
    tokens = set(links(core, c).values())
    assert len(tokens) == 3 and all(len(token) >= 40 for token in tokens)
    with core.store.reading() as tx:
        stored = tx.scalars(select(Invitation.token_hash)).all()
    assert not tokens & set(stored)


def test_a_list_with_wrong_rows_is_refused_whole_naming_each_line(core, c):
    bad = (
        b"name,stakeholder_group,country,language\n"
        b"Fine Person,academia,,en\n"
        b",academia,,en\n"
        b"Lost Person,astronauts,Atlantis,xx\n"
    )
    error = refused(
        "invalid_registration_list", invitations.import_list, core, c.moderator, bad, SECRET
    )
    assert [(row.line, row.column, row.error.code) for row in error.rows] == [
        (3, "name", "empty_name"),
        (4, "stakeholder_group", "invalid_stakeholder_group"),
        (4, "country", "invalid_country"),
        (4, "language", "invalid_language"),
    ]
    assert len(invitations.invitations(core, c.moderator, SECRET)) == 3  # nothing written


def test_an_address_already_invited_is_refused(core, c):
    again = b"name,email,stakeholder_group,country,language\nA. Diallo,AMINA@example.org,other,,\n"
    error = refused(
        "invalid_registration_list", invitations.import_list, core, c.moderator, again, SECRET
    )
    assert [(row.line, row.error.code) for row in error.rows] == [(2, "duplicate_email")]


def test_only_moderators_import(core, c):
    walk_in = c.join(display_name="Walk-in")
    refused("forbidden", invitations.import_list, core, walk_in, LIST, SECRET)
    refused("forbidden", invitations.invitations, core, walk_in, SECRET)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "invalid_registration_header"),
        (b"name,group\nA,other\n", "invalid_registration_header"),
        (b"name,stakeholder_group,country,language\n", "empty_registration_list"),
        (
            "name,stakeholder_group,country,language\nÉ,other,,\n".encode("latin-1"),
            "invalid_registration_encoding",
        ),
    ],
)
def test_files_that_are_no_registration_list_are_refused(data, code):
    refused(code, rules.parse_registrations, data, "en")


def test_a_byte_order_mark_and_a_missing_email_column_are_fine():
    data = "\ufeffname,stakeholder_group,country,language\r\nAmina,other,,ar\r\n".encode()
    (person,) = rules.parse_registrations(data, "en")
    assert (person.line, person.display_name, person.email, person.language) == (
        2,
        "Amina",
        "",
        "ar",
    )


def test_more_than_5000_people_are_refused():
    rows = "".join(f"Person {n},other,,\n" for n in range(5001))
    data = ("name,stakeholder_group,country,language\n" + rows).encode()
    refused("registration_list_too_large", rules.parse_registrations, data, "en")


# -- the personal link ----------------------------------------------------------------------


def test_the_link_joins_as_the_invited_person_with_the_list_profile(core, c):
    amina = invited(core, c)
    me = snapshot(core, amina)["me"]
    assert (me["display_name"], me["stakeholder_group"], me["country"]) == (
        "Amina Diallo",
        "civil_society",
        "SN",
    )
    assert snapshot(core, amina)["participation"] == {
        "mode": "invited",
        "walk_in_questions": False,
        "walk_in": False,
        "came_with_code": False,
    }


def test_a_second_device_is_the_same_person_and_no_new_arrival(core, c):
    first = invitations.join_by_link(core, links(core, c)["Amina Diallo"], PHONE)
    second = invitations.join_by_link(core, links(core, c)["Amina Diallo"], LAPTOP)
    assert second.viewer == first.viewer and second.token == first.token
    assert second.events == []
    with core.store.reading() as tx:
        came = tx.scalars(
            select(Participant.id).where(
                Participant.consultation_id == c.id, Participant.invitation_id.is_not(None)
            )
        )
        assert came.all() == [first.viewer.participant_id]


def test_revoking_an_invitation_stops_its_link_and_its_person(core, c):
    amina = invited(core, c)
    token = links(core, c)["Amina Diallo"]
    (invitation,) = [
        v
        for v in invitations.invitations(core, c.moderator, SECRET)
        if v["display_name"] == "Amina Diallo"
    ]
    outcome = invitations.revoke(core, c.moderator, invitation["invitation_id"])
    assert [e.type for e in outcome.events] == ["invitation_revoked"]
    refused("invitation_revoked", invitations.join_by_link, core, token)
    refused("invitation_revoked", identify, core, token)
    refused("invitation_revoked", asks.ask, core, amina, "Still here?", None, False)
    refused("already_revoked", invitations.revoke, core, c.moderator, invitation["invitation_id"])


def test_a_ban_revokes_the_invitation_and_an_unban_gives_it_back(core, c):
    amina = invited(core, c, device=PHONE)
    token = links(core, c)["Amina Diallo"]
    outcome = questions.ban(core, c.moderator, amina.participant_id)
    assert [e.type for e in outcome.events] == ["participant_banned", "invitation_revoked"]
    refused("banned", invitations.join_by_link, core, token)
    refused("banned", identify, core, token)
    # The device is covered too: the join code from the same phone is refused.
    refused("banned", consultations.join, core, c.join_code, {"display_name": "Someone"}, PHONE)
    questions.unban(core, c.moderator, amina.participant_id)
    assert invitations.join_by_link(core, token).viewer == amina


# -- walk-ins -------------------------------------------------------------------------------


def test_walk_ins_may_watch_but_not_ask_vote_or_raise_a_hand(core, c):
    amina = invited(core, c)
    walk_in = c.join(display_name="Walk-in")
    assert snapshot(core, walk_in)["participation"]["walk_in"] is True
    question_id = asks.ask(core, amina, "Who funds the centre?", None, False).reply["question"][
        "id"
    ]
    poll_id = polls.create_poll(
        core,
        c.moderator,
        {"type": "single", "question": "Yes?", "options": ["Yes", "No"], "open": True},
    ).reply["poll_id"]
    refused("invitation_required", asks.ask, core, walk_in, "May I?", None, False)
    refused("invitation_required", votes.vote, core, walk_in, question_id)
    refused("invitation_required", ballots.cast_ballot, core, walk_in, poll_id, "Yes")
    refused("invitation_required", speakers.raise_hand, core, walk_in, None, None)
    ballots.cast_ballot(core, amina, poll_id, 0)
    speakers.raise_hand(core, amina, None, None)


def test_walk_ins_ask_when_the_moderator_allows_it(core, c):
    walk_in = c.join(display_name="Walk-in")
    invitations.set_participation(core, c.moderator, {"walk_in_questions": True})
    assert asks.ask(core, walk_in, "May I?", None, False).reply["question"]["id"]
    refused("invitation_required", speakers.raise_hand, core, walk_in, None, None)


def test_staff_see_that_a_question_is_a_walk_ins_and_not_an_invited_persons(core, c):
    walk_in = c.join(display_name="Walk-in")
    invitations.set_participation(core, c.moderator, {"walk_in_questions": True})
    asked = asks.ask(core, walk_in, "May I?", None, False).events[0].payload["question"]
    assert asked["author"]["walk_in"] is True
    amina = invited(core, c)
    asked = asks.ask(core, amina, "And I?", None, False).events[0].payload["question"]
    assert "walk_in" not in asked["author"]


def test_the_queue_marks_walk_ins_without_looking_their_consultation_up_for_each(
    core, c, monkeypatch
):
    """Every join's snapshot shows the queue: its authors' consultation is at hand."""
    invitations.set_participation(core, c.moderator, {"walk_in_questions": True})
    for number in range(3):
        walk_in = c.join(display_name=f"Walk-in {number}")
        asks.ask(core, walk_in, f"May I ask question {number}?", None, False)
    looked_up = []
    get = Session.get

    def counted(session: Session, entity: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.extend([entity] if entity is Consultation else [])
        return get(session, entity, *args, **kwargs)

    monkeypatch.setattr(Session, "get", counted)
    queue = snapshot(core, c.moderator)["questions"]["list"]

    assert [question["author"]["walk_in"] for question in queue] == [True, True, True]
    assert looked_up == []


def test_an_open_consultation_lets_everyone_with_the_code_take_part(core, c):
    walk_in = c.join(display_name="Walk-in")
    outcome = invitations.set_participation(core, c.moderator, {"mode": "open"})
    assert [(e.type, e.visibility, e.payload) for e in outcome.events] == [
        ("participation_changed", "public", {"mode": "open", "walk_in_questions": False})
    ]
    speakers.raise_hand(core, walk_in, None, None)
    assert snapshot(core, walk_in)["participation"]["walk_in"] is False


def test_the_snapshot_says_who_came_with_the_code_whatever_the_mode(core, c):
    """The page of someone who came with the code knows they become a walk-in when the
    consultation turns invited (`participation_changed` says only the mode)."""
    amina = invited(core, c)
    walk_in = c.join(display_name="Walk-in")
    assert snapshot(core, walk_in)["participation"]["came_with_code"] is True
    assert snapshot(core, amina)["participation"]["came_with_code"] is False
    assert snapshot(core, c.moderator)["participation"]["came_with_code"] is False
    invitations.set_participation(core, c.moderator, {"mode": "open"})
    part = snapshot(core, walk_in)["participation"]
    assert (part["walk_in"], part["came_with_code"]) == (False, True)


def test_staff_see_who_walked_in_and_the_turnout(core, c):
    invited(core, c)
    walk_in = c.join(display_name="Walk-in")
    part = snapshot(core, c.moderator)["participation"]
    assert part["walk_ins"] == [walk_in.participant_id]
    assert (part["invited"], part["joined_invited"], part["joined_walk_ins"]) == (3, 1, 1)
    assert "walk_ins" not in snapshot(core, walk_in)["participation"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"mode": "closed"}, "invalid_mode"),
        ({"walk_in_questions": "yes"}, "invalid_walk_in_questions"),
        ({"colour": "red"}, "invalid_participation"),
        ({}, "invalid_participation"),
    ],
)
def test_wrong_participation_settings_are_refused(core, c, changes, code):
    refused(code, invitations.set_participation, core, c.moderator, changes)


def test_a_consultation_is_open_unless_created_invited(core, create_consultation):
    c = create_consultation(short_name="open-one")
    walk_in = c.join(display_name="Anyone")
    assert snapshot(core, walk_in)["participation"]["mode"] == "open"
    with pytest.raises(DomainError) as error:
        create_consultation(short_name="bad-one", settings={"invitations": {"mode": "secret"}})
    assert error.value.code == "invalid_mode"


def test_erasing_personal_data_erases_the_registration_list(core, c):
    erase(core, c.id)
    people = invitations.invitations(core, c.moderator, SECRET)
    assert {(p["display_name"], p["email"]) for p in people} == {("", "")}
