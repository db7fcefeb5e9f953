"""A ban covers the device the attendee joined from, not only their token.

Rejoining with the join code from the same browser (its device cookie, see
web/auth.py) is refused `banned` until the moderator unbans the person; other
devices, and other consultations, are not affected.
"""

from __future__ import annotations

import pytest

from server.core.errors import DomainError
from server.core.models import Participant
from server.features.consultations import service as consultations
from server.features.questions import service as questions

PHONE, LAPTOP = "p" * 43, "l" * 43
PERSON = {"display_name": "Troll", "stakeholder_group": "academia"}


@pytest.fixture
def c(create_consultation):
    return create_consultation()


def join_from(c, device: str | None):
    return consultations.join(c.core, c.join_code, PERSON, device).viewer


def test_a_banned_attendee_cannot_rejoin_from_the_same_device(core, c):
    troll = join_from(c, PHONE)
    questions.ban(core, c.moderator, troll.participant_id)
    with pytest.raises(DomainError) as refused:
        join_from(c, PHONE)
    assert refused.value.code == "banned"


def test_other_devices_and_joins_without_a_device_are_let_in(core, c):
    troll = join_from(c, PHONE)
    questions.ban(core, c.moderator, troll.participant_id)
    assert join_from(c, LAPTOP).participant_id != troll.participant_id
    assert join_from(c, None).participant_id != troll.participant_id


def test_unbanning_lets_the_device_back_in(core, c):
    troll = join_from(c, PHONE)
    questions.ban(core, c.moderator, troll.participant_id)
    questions.unban(core, c.moderator, troll.participant_id)
    assert join_from(c, PHONE).participant_id != troll.participant_id


def test_a_ban_in_one_consultation_does_not_cover_another(core, c, create_consultation):
    sister = create_consultation(short_name="americas-2024")
    questions.ban(core, c.moderator, join_from(c, PHONE).participant_id)
    assert join_from(sister, PHONE).participant_id


def test_the_device_is_kept_only_as_a_hash(core, c):
    joined = join_from(c, PHONE)
    with core.store.reading() as tx:
        person = tx.get(Participant, joined.participant_id)
        assert person is not None and person.device_hash not in (None, PHONE)
