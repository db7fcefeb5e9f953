"""The rush at the start of a session: what each arrival reads and writes.

Thousands join within a minute or two; each join is one transaction shared with the
others arriving then (the group commit). The consultation a join code opens is read
once per application, as codes never change; a ban on a device is checked in that
shared transaction, under the consultation's lock.
"""

from __future__ import annotations

import pytest

from server.core.access import hash_token
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.features.consultations import service as consultations
from server.features.questions import service as questions

PERSON = {"display_name": "Wanjiru", "stakeholder_group": "academia"}
PHONE, LAPTOP = "p" * 43, "l" * 43


@pytest.fixture
def c(create_consultation):
    return create_consultation()


def test_the_join_code_is_read_once_for_every_arrival(core, c, statements):
    for _ in range(5):
        consultations.join(core, c.join_code, PERSON)
    by_code = [s for s in statements if "consultations.join_code =" in s]
    assert len(by_code) == 1


def test_a_code_written_another_way_opens_the_same_consultation(core, c):
    code = c.join_code
    spaced = f"{code[:3].lower()} {code[3:].lower()}"
    assert consultations.join(core, spaced, PERSON).viewer.consultation_id == c.id


def test_an_unknown_code_is_refused_every_time(core, c):
    for _ in range(2):
        with pytest.raises(DomainError) as refused:
            consultations.join(core, "ZZZZZZ", PERSON)
        assert refused.value.code == "unknown_consultation"


def test_an_id_kept_for_a_code_that_names_another_consultation_is_read_again(
    core, c, create_consultation
):
    """As when the database was replaced under a running worker: refused once, not forever."""
    other = create_consultation(short_name="americas-2024")
    core.consultation_ids[c.join_code] = other.id
    with pytest.raises(DomainError) as refused:
        consultations.join(core, c.join_code, PERSON)
    assert refused.value.code == "unknown_consultation"
    assert consultations.join(core, c.join_code, PERSON).viewer.consultation_id == c.id


def test_a_batch_refuses_the_banned_device_alone(core, c):
    troll = consultations.join(core, c.join_code, PERSON, PHONE).viewer
    questions.ban(core, c.moderator, troll.participant_id)

    def arriving(device):
        device_hash = hash_token(device) if device else None
        return Pending(
            consultations.Joining(
                c.id,
                c.join_code,
                consultations.parse_profile(PERSON),
                consultations.new_token(),
                core.now(),
                device_hash,
            ),
            None,
        )

    banned, welcome, anonymous = consultations.admit_all(
        core.store, [arriving(PHONE), arriving(LAPTOP), arriving(None)]
    )

    assert isinstance(banned, DomainError) and banned.code == "banned"
    assert welcome.viewer.consultation_id == anonymous.viewer.consultation_id == c.id
    assert welcome.viewer.participant_id != anonymous.viewer.participant_id
