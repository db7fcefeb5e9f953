"""A replaced staff link loses its power at once, sockets opened with it included."""

import pytest
from sqlalchemy import func, select

from server.core.errors import DomainError
from server.core.models import Connection
from server.features.consultations import service as consultations
from server.features.invitations import service as invitations
from server.features.presence import service as presence


def test_replacing_a_link_closes_the_sockets_opened_with_it(socket_client, app_consultation):
    c = app_consultation
    deputy = consultations.claim_link(c.core, c.moderator_link, {"display_name": "Deputy"})
    deputy_socket = socket_client(deputy.token)
    deputy_present_view = socket_client(deputy.token, view="present")
    chair = socket_client(c.moderator_token)
    assert chair.emit("sync", {}, callback=True)["snapshot"]["present"] == 2

    ack = chair.emit("replace_link", {"role": "moderator"}, callback=True)

    assert ack["ok"] is True
    assert not deputy_socket.is_connected()
    assert not deputy_present_view.is_connected()
    assert chair.emit("sync", {}, callback=True)["snapshot"]["present"] == 1  # the deputy left
    assert chair.is_connected()  # who replaced the link keeps their seat


def test_a_socket_whose_link_was_revoked_elsewhere_gets_no_snapshot(
    socket_client, app_consultation
):
    c = app_consultation
    deputy = consultations.claim_link(c.core, c.rapporteur_link, {"display_name": "Scribe"})
    scribe = socket_client(deputy.token)
    assert scribe.emit("sync", {}, callback=True)["ok"] is True

    consultations.reissue_links(c.core, c.join_code)  # the command line's `new-links`

    for payload in ({}, {"since": 0}):
        refused = scribe.emit("sync", payload, callback=True)
        assert refused["ok"] is False
        assert refused["error"]["code"] == "link_revoked"
        assert "snapshot" not in refused and "events" not in refused


def test_a_connection_arriving_after_its_link_was_revoked_is_refused_and_not_counted(
    core, create_consultation
):
    """The race: authenticated just before the revocation, recorded just after it."""
    c = create_consultation()
    deputy = consultations.claim_link(core, c.moderator_link, {"display_name": "Late"})
    consultations.reissue_links(core, c.join_code)

    with pytest.raises(DomainError) as refused:
        presence.arrive(core, deputy.viewer, "sid-of-the-late-deputy", "worker-a")

    assert refused.value.code == "link_revoked"
    with core.store.reading() as tx:
        counted = select(func.count()).where(Connection.consultation_id == c.id)
        assert tx.scalar(counted) == 0  # the PostgreSQL database is shared by the whole run


INVITED_LIST = b"name,stakeholder_group,country,language\nAmina Diallo,civil_society,SN,fr\n"


def test_revoking_an_invitation_closes_its_persons_sockets(socket_client, app_consultation):
    c = app_consultation
    invitations.import_list(c.core, c.moderator, INVITED_LIST, "test-secret")
    (person,) = invitations.invitations(c.core, c.moderator, "test-secret")
    amina = invitations.join_by_link(c.core, person["link"].removeprefix("/i/"))
    phone, laptop = socket_client(amina.token), socket_client(amina.token)
    chair = socket_client(c.moderator_token)
    assert chair.emit("sync", {}, callback=True)["snapshot"]["present"] == 2  # one person

    ack = chair.emit("revoke_invitation", {"invitation_id": person["invitation_id"]}, callback=True)

    assert ack["ok"] is True
    assert not phone.is_connected() and not laptop.is_connected()
    assert chair.emit("sync", {}, callback=True)["snapshot"]["present"] == 1
