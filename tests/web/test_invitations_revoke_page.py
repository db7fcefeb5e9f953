"""Revoking an invitation from the moderators' invitations page (issue 19): the form runs
`revoke_invitation` as the console does — the link stops working, its person's
connections close — and the page says so; each refusal is said with its code, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.core.commands import run
from tests.conftest import app_for, new_consultation

LIST = (
    "name,email,stakeholder_group,country,language\n"
    "Amina Diallo,amina@example.org,civil_society,SN,fr\n"
    "João Silva,,government,Mozambique,pt\n"
).encode()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The application on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    yield app_for(url, tmp_path)


@pytest.fixture
def c(app):
    c = new_consultation(app.extensions["baraza"])
    reply = app.test_client().post(
        f"/api/consultations/{c.join_code}/invitations",
        data=LIST,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {c.moderator_token}"},
    )
    assert reply.status_code == 201, reply.json
    return c


def browser_of(app, c, token):
    browser = app.test_client()
    browser.set_cookie(f"bz_{c.join_code}", token)
    return browser


@pytest.fixture
def moderator(app, c):
    return browser_of(app, c, c.moderator_token)


def page_of(browser, c) -> str:
    return browser.get(f"/c/{c.join_code}/invitations").text


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-invitation-id="(\d+)"', page)]


def revoke(browser, c, invitation_id, token=None):
    page = page_of(browser, c)
    fields = {"csrf_token": csrf(page) if token is None else token}
    return browser.post(f"/c/{c.join_code}/invitations/{invitation_id}/revoke", data=fields)


def invitations_listed(app, c) -> list[dict]:
    """The registration list as the API gives it to a moderator, links included."""
    reply = app.test_client().get(
        f"/api/consultations/{c.join_code}/invitations",
        headers={"Authorization": f"Bearer {c.moderator_token}"},
    )
    return reply.json["invitations"]


def error_code(page: str) -> str | None:
    found = re.search(r'data-error-code="([a-z_]+)"', page)
    return found.group(1) if found else None


def test_a_moderator_revokes_an_invitation_and_the_page_says_so(app, c, moderator):
    amina = ids(page_of(moderator, c))[0]
    reply = revoke(moderator, c, amina)
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/c/{c.join_code}/invitations?revoked={amina}"
    page = moderator.get(reply.headers["Location"]).text
    assert "Amina Diallo's invitation is revoked: their link no longer works." in page
    row = re.search(rf'data-invitation-id="{amina}".*?</tr>', page, re.S).group(0)
    assert "Revoked" in row and "data-revoke" not in row
    people = run(app.extensions["baraza"], c.moderator, "revoke_invitation", {}, str)
    assert people["error"]["code"] == "unknown_invitation"  # the command is the one run


def test_the_revoked_persons_link_stops_working(app, c, moderator):
    listed = invitations_listed(app, c)
    link = listed[0]["link"].removeprefix("http://localhost")
    assert app.test_client().get(link).status_code == 200
    revoke(moderator, c, listed[0]["invitation_id"])
    refused = app.test_client().get(link)
    assert refused.status_code == 403 and "This invitation has been revoked." in refused.text


def test_the_revoked_persons_connections_are_closed(app, c, moderator, socket_client):
    """The page runs the command as the console does: the person's socket is let out."""
    (amina, *_) = (
        app.test_client()
        .get(
            f"/api/consultations/{c.join_code}/invitations",
            headers={"Authorization": f"Bearer {c.moderator_token}"},
        )
        .json["invitations"]
    )
    link = amina["link"].rsplit("/", 1)[1]
    joined = app.test_client().post("/api/invitations/join", json={"link": link}).json
    socket = socket_client(joined["token"])
    assert socket.is_connected()
    revoke(moderator, c, amina["invitation_id"])
    assert not socket.is_connected()


def test_revoking_twice_is_said_on_the_page(c, moderator):
    amina = ids(page_of(moderator, c))[0]
    revoke(moderator, c, amina)
    again = revoke(moderator, c, amina)
    assert (again.status_code, error_code(again.text)) == (409, "already_revoked")
    assert "This invitation is already revoked." in again.text
    assert "Registration list" in again.text  # the list, with the refusal above it


@pytest.mark.parametrize("wanted", ["999999", "abc", "0"])
def test_an_unknown_invitation_is_said_on_the_page(c, moderator, wanted):
    reply = revoke(moderator, c, wanted)
    assert (reply.status_code, error_code(reply.text)) == (404, "unknown_invitation")


def test_another_consultations_invitation_is_unknown_here(app, c, moderator):
    other = new_consultation(app.extensions["baraza"], short_name="other-one")
    theirs = browser_of(app, other, other.moderator_token)
    theirs.post(
        f"/api/consultations/{other.join_code}/invitations",
        data=LIST,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {other.moderator_token}"},
    )
    foreign = ids(page_of(theirs, other))[0]
    reply = revoke(moderator, c, foreign)
    assert (reply.status_code, error_code(reply.text)) == (404, "unknown_invitation")


def test_a_form_without_its_token_is_refused(c, moderator):
    amina = ids(page_of(moderator, c))[0]
    reply = revoke(moderator, c, amina, token="forged")
    assert (reply.status_code, error_code(reply.text)) == (403, "csrf_failed")
    assert "Amina Diallo" not in reply.text  # the error page, no list
    listed = page_of(moderator, c)
    assert "Revoked" not in re.search(rf'data-invitation-id="{amina}".*?</tr>', listed, re.S)[0]


def test_only_a_moderator_revokes(app, c, moderator):
    amina = ids(page_of(moderator, c))[0]
    _viewer, token = c.join_with_token(display_name="Attendee")
    attendee = browser_of(app, c, token)
    fields = {"csrf_token": csrf(attendee.get(f"/c/{c.join_code}/my-data").text)}
    reply = attendee.post(f"/c/{c.join_code}/invitations/{amina}/revoke", data=fields)
    assert (reply.status_code, error_code(reply.text)) == (403, "forbidden")
    assert "Amina Diallo" not in reply.text  # no list for them
    assert "Revoked" not in page_of(moderator, c)


def test_an_erased_name_reads_no_name_on_the_list_and_its_button(app, c, moderator):
    listed = invitations_listed(app, c)
    link = listed[0]["link"].rsplit("/", 1)[1]
    joined = app.test_client().post("/api/invitations/join", json={"link": link}).json
    erased = app.test_client().post(
        "/api/commands/erase_my_name",
        json={},
        headers={"Authorization": f"Bearer {joined['token']}"},
    )
    assert erased.status_code == 200, erased.json
    page = page_of(moderator, c)
    row = re.search(rf'data-invitation-id="{listed[0]["invitation_id"]}".*?</tr>', page, re.S)[0]
    assert '<th scope="row" dir="auto">(no name)' in row and 'data-name="(no name)"' in row
