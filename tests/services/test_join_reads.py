"""The rush at the start of a session: what each arrival reads and writes.

Thousands join within a minute or two; each join is one transaction shared with the
others arriving then (the group commit). The consultation a join code opens is read
once per application, as codes never change; a ban on a device is checked in that
shared transaction, under the consultation's lock.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from server.core.access import hash_token
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.core.models import Participant
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


def test_a_batch_of_joins_writes_its_people_as_rows_not_flushed_objects(core, c):
    """A batch's people were added to the session and flushed, the ORM's unit of work
    for each; one INSERT … RETURNING writes them (docs/performance.md, step 35)."""
    flushed = []

    def inserted(_mapper, _connection, person):
        flushed.append(person)

    event.listen(Participant, "before_insert", inserted)
    try:
        joined = [consultations.join(core, c.join_code, {"display_name": name}) for name in "AB"]
    finally:
        event.remove(Participant, "before_insert", inserted)

    assert flushed == []
    with core.store.reading() as tx:
        for admitted, name in zip(joined, "AB", strict=True):
            person = tx.get_one(Participant, admitted.viewer.participant_id)
            assert (person.display_name, person.role, person.consultation_id) == (
                name,
                "attendee",
                c.id,
            )
            assert person.token_hash == hash_token(admitted.token)
            (logged,) = admitted.events
            assert logged.payload["participant_id"] == person.id
