"""People, roles and links: who may do what, and how access is withdrawn."""

import pytest
from sqlalchemy import select

from server.core.access import hash_token, identify
from server.core.errors import DomainError
from server.core.models import Participant, RoleLink
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations


def test_joining_with_the_code_admits_an_attendee_with_their_profile(create_consultation, core):
    c = create_consultation()
    admitted = consultations.join(
        core,
        c.join_code.lower(),
        {"display_name": "Amina", "stakeholder_group": "civil_society", "country": "ng"},
    )
    viewer = identify(core, admitted.token)
    with core.store.reading() as tx:
        person = tx.get(Participant, viewer.participant_id)
        assert (person.role, person.display_name, person.country) == ("attendee", "Amina", "NG")
    assert [e.type for e in admitted.events] == ["participant_joined"]


def test_a_join_that_requires_a_group_refuses_none_and_writes_nothing(create_consultation, core):
    c = create_consultation()
    for empty in ({}, {"stakeholder_group": ""}):
        with pytest.raises(DomainError) as refused:
            consultations.join(core, c.join_code, empty, group_required=True)
        assert refused.value.code == "empty_stakeholder_group"
    with core.store.reading() as tx:
        assert (
            tx.scalars(
                select(Participant).where(
                    Participant.role == "attendee", Participant.consultation_id == c.id
                )
            ).all()
            == []
        )


def test_an_unknown_join_code_is_refused(create_consultation, core):
    create_consultation()
    with pytest.raises(DomainError) as refused:
        consultations.join(core, "ZZZZZZ", {})
    assert refused.value.code == "unknown_consultation"


def test_tokens_are_stored_only_as_hashes(create_consultation, core):
    c = create_consultation()
    viewer, token = c.join_with_token()
    with core.store.reading() as tx:
        stored = tx.get(Participant, viewer.participant_id).token_hash
        links = tx.scalars(select(RoleLink.token_hash)).all()
    assert stored == hash_token(token) and token not in stored
    assert c.moderator_link not in links and hash_token(c.moderator_link) in links


def test_a_staff_link_makes_its_holder_that_role(create_consultation, core):
    c = create_consultation()
    assert c.moderator.role == "moderator"
    assert c.rapporteur().role == "rapporteur"


@pytest.mark.parametrize("token", ["", "short", 42, "x" * 43])
def test_a_wrong_token_is_not_anyone(create_consultation, core, token):
    create_consultation()
    with pytest.raises(DomainError) as refused:
        identify(core, token)
    assert refused.value.code == "invalid_token"


def test_replacing_a_link_cuts_off_those_who_came_through_the_old_one(create_consultation, core):
    c = create_consultation()
    co_chair = consultations.claim_link(core, c.moderator_link, {"display_name": "Co-chair"}).viewer
    outcome = consultations.replace_link(core, c.moderator, "moderator")
    new_token = outcome.reply["token"]
    assert [e.type for e in outcome.events] == ["link_replaced"]
    with pytest.raises(DomainError) as refused:
        agenda.next_item(core, co_chair)
    assert refused.value.code == "link_revoked"
    with pytest.raises(DomainError):
        consultations.claim_link(core, c.moderator_link, {})
    agenda.next_item(core, c.moderator)  # whoever replaced it keeps their seat
    assert consultations.claim_link(core, new_token, {}).viewer.role == "moderator"


def test_only_a_moderator_replaces_links(create_consultation, core):
    c = create_consultation()
    with pytest.raises(DomainError) as refused:
        consultations.replace_link(core, c.rapporteur(), "rapporteur")
    assert refused.value.code == "forbidden"


def test_a_banned_person_can_give_no_command(create_consultation, core):
    c = create_consultation()
    with core.store.transaction() as tx:
        from datetime import UTC, datetime

        tx.get(Participant, c.moderator.participant_id).banned_at = datetime.now(UTC)
    with pytest.raises(DomainError) as refused:
        agenda.next_item(core, c.moderator)
    assert refused.value.code == "banned"


def test_reissued_links_replace_every_staff_link(create_consultation, core):
    c = create_consultation()
    tokens = consultations.reissue_links(core, c.join_code)
    with pytest.raises(DomainError):
        consultations.claim_link(core, c.rapporteur_link, {})
    assert consultations.claim_link(core, tokens["rapporteur"], {}).viewer.role == "rapporteur"


@pytest.mark.parametrize("code", ["\ud800", "AB\udfffC", "A" * 100_000])
def test_a_code_no_consultation_can_have_is_unknown(create_consultation, core, code):
    create_consultation()
    with pytest.raises(DomainError) as refused:
        consultations.join(core, code, {"display_name": "Amina"})
    assert refused.value.code == "unknown_consultation"
