"""Doors locked, in process: headers, CSRF, cookies, link revocation, the rate of commands."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from server.core.commands import RateLimit
from server.features.consultations import service as consultations
from tests.conftest import form_data, new_consultation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def page_paths(c):
    code = c.join_code
    return ["/", f"/j/{code}", f"/m/{c.moderator_link}", f"/c/{code}", f"/c/{code}/moderate"]


# Headers and pages


def test_every_answer_carries_the_security_headers(app, app_consultation):
    client = app.test_client()
    for path in [*page_paths(app_consultation), "/api/health", "/api/consultations/ZZZZ"]:
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy forbids them, so a page using one would silently break."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            data_block = 'type="application/json"' in tag  # never run by a browser
            assert "src=" in tag or data_block, f"inline script in {template}"
        assert not re.search(r"<style\b", text), f"inline style in {template}"
        assert not re.search(r"\sstyle\s*=", text), f"style attribute in {template}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"event handler attribute in {template}"


def test_https_adds_strict_transport_security_and_secure_cookies(make_app):
    app = make_app(public_url="https://baraza.example")
    c = new_consultation(app.extensions["baraza"])
    client = app.test_client()
    path = f"/j/{c.join_code}"
    form = client.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = client.post(
        path,
        data={
            "display_name": "Ama",
            "stakeholder_group": "other",
            "consent": "yes",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    session_cookie = form.headers["Set-Cookie"]
    token_cookie = response.headers["Set-Cookie"]
    assert session_cookie.startswith("session=") and token_cookie.startswith("bz_")
    for cookie in (token_cookie, session_cookie):
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "connect-src 'self' wss://baraza.example" in response.headers["Content-Security-Policy"]


def test_plain_http_cookies_are_private_but_not_secure(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, stakeholder_group="other"))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("bz_"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


# CSRF


@pytest.mark.parametrize("form", ["join", "claim", "find"])
def test_a_form_posted_without_its_token_is_refused_and_does_nothing(
    app, app_consultation, app_core, form
):
    c = app_consultation
    path = {"join": f"/j/{c.join_code}", "claim": f"/m/{c.moderator_link}", "find": "/"}[form]
    before = consultations.count_participants
    with app_core.store.reading() as tx:
        counts = [before(tx, c.id, role) for role in ("attendee", "moderator")]
    client = app.test_client()
    client.get(path)  # a session exists, but the post does not carry its token
    for data in ({"display_name": "Mallory", "code": c.join_code}, {"csrf_token": "forged" * 8}):
        response = client.post(path, data=data)
        assert response.status_code == 403
        assert "csrf_failed" in response.text
    with app_core.store.reading() as tx:
        assert [before(tx, c.id, role) for role in ("attendee", "moderator")] == counts


def test_a_token_from_another_browser_does_not_pass(app, app_consultation):
    path = f"/j/{app_consultation.join_code}"
    theirs = form_data(app.test_client(), path)
    mine = app.test_client()
    mine.get(path)
    assert mine.post(path, data=theirs).status_code == 403


def test_the_find_form_works_with_its_token(app, app_consultation):
    client = app.test_client()
    response = client.post("/", data=form_data(client, "/", code=app_consultation.join_code))
    assert response.status_code == 302
    assert response.location.endswith(f"/j/{app_consultation.join_code}")


# One consultation's page, another's token


def connection(app, socket_client, carrier: str, token: str, code: str):
    """A socket connecting for `code` with `token` in its auth payload or in the
    consultation's cookie (where a browser keeps it)."""
    if carrier == "token":
        return socket_client(token, code=code)
    browser = app.test_client()
    browser.set_cookie(f"bz_{code}", token)
    return socket_client(None, browser=browser, code=code)


@pytest.mark.parametrize("carrier", ["cookie", "token"])
def test_a_connection_for_one_consultation_refuses_anothers_token(
    app, app_core, app_consultation, socket_client, caplog, carrier
):
    here, there = app_consultation, new_consultation(app_core, short_name="other")
    with caplog.at_level(logging.INFO, logger="server.realtime.connection"):
        refused = connection(app, socket_client, carrier, there.moderator_token, here.join_code)
    assert not refused.is_connected()
    assert "connection refused: forbidden" in caplog.text
    mine = connection(app, socket_client, carrier, there.moderator_token, there.join_code)
    assert mine.is_connected()  # the token itself is good, for its own consultation


# Link revocation


def test_a_replaced_moderator_link_stops_working_over_socketio(socket_client, app_consultation):
    c = app_consultation
    deputy = consultations.claim_link(c.core, c.moderator_link, {"display_name": "Deputy"})
    deputy_socket = socket_client(deputy.token)
    chair = socket_client(c.moderator_token)
    ack = chair.emit("replace_link", {"role": "moderator"}, callback=True)
    assert ack["ok"] is True
    assert (
        not deputy_socket.is_connected()
    )  # dropped at once (tests/realtime/test_link_revocation.py)
    assert not socket_client(deputy.token).is_connected()
    assert chair.emit("next_item", {}, callback=True) == {"ok": True}  # who replaced it stays
    with pytest.raises(Exception) as error:
        consultations.claim_link(c.core, c.moderator_link, {})
    assert error.value.code == "unknown_link"
    assert consultations.claim_link(c.core, ack["token"], {}).viewer.role == "moderator"


def test_a_replaced_rapporteur_link_stops_working_over_http(app, app_consultation):
    c = app_consultation
    client = app.test_client()
    seated = client.post("/api/links/claim", json={"link": c.rapporteur_link}).json["token"]
    as_moderator = {"Authorization": f"Bearer {c.moderator_token}"}
    as_rapporteur = {"Authorization": f"Bearer {seated}"}
    assert client.get("/api/snapshot", headers=as_rapporteur).status_code == 200
    replaced = client.post(
        "/api/commands/replace_link", json={"role": "rapporteur"}, headers=as_moderator
    ).json
    assert replaced["ok"] is True
    cut_off = client.get("/api/snapshot", headers=as_rapporteur)
    assert cut_off.status_code == 403 and cut_off.json["error"]["code"] == "link_revoked"
    old = client.post("/api/links/claim", json={"link": c.rapporteur_link})
    assert old.status_code == 404 and old.json["error"]["code"] == "unknown_link"
    new = client.post("/api/links/claim", json={"link": replaced["token"]})
    assert new.json["role"] == "rapporteur"


# Rate of commands


def test_the_rate_limit_allows_a_burst_then_a_steady_rate():
    now = [0.0]
    limit = RateLimit(rate=2, burst=3, clock=lambda: now[0])
    assert [limit.allow() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5
    assert [limit.allow(), limit.allow()] == [True, False]
    now[0] += 60
    assert sum(limit.allow() for _ in range(10)) == 3


def test_a_connection_over_its_rate_is_refused_then_served_again(make_app):
    from server.core.socket import socketio

    app = make_app(command_burst=5, command_rate=2)
    now = [0.0]
    app.extensions["baraza"].timer = lambda: now[0]
    c = new_consultation(app.extensions["baraza"])
    flooder = socketio.test_client(app, auth={"token": c.moderator_token})
    other = socketio.test_client(app, auth={"token": c.moderator_token})
    acks = [flooder.emit("extend_item", {"item_id": 0, "minutes": 1}, callback=True)]
    acks += [flooder.emit("sync", {}, callback=True) for _ in range(7)]
    codes = [ack["error"]["code"] if not ack["ok"] else "ok" for ack in acks]
    assert codes == ["unknown_item"] + ["ok"] * 4 + ["rate_limited"] * 3
    assert acks[-1]["error"]["message"]
    assert other.emit("sync", {}, callback=True)["ok"] is True  # its own bucket
    now[0] += 0.5  # one more command at 2 a second
    assert flooder.emit("sync", {}, callback=True)["ok"] is True
    assert flooder.is_connected()


# Tokens and sizes


def test_no_token_or_link_is_stored_in_the_clear(app, app_core, app_consultation, socket_client):
    from tests.security.test_role_sweep import database_rows

    c = app_consultation
    _, attendee = c.join_with_token()
    rapporteur = consultations.claim_link(c.core, c.rapporteur_link, {}).token
    replaced = socket_client(c.moderator_token).emit(
        "replace_link", {"role": "moderator", "command_id": "a-command-id-0001"}, callback=True
    )["token"]
    stored = json.dumps(database_rows(app_core))
    for secret in (attendee, rapporteur, c.moderator_token, c.moderator_link, replaced):
        assert secret not in stored
    assert "a-command-id-0001" not in stored


def test_a_body_over_a_megabyte_is_refused_clearly(app, app_consultation):
    response = app.test_client().post(
        f"/api/consultations/{app_consultation.join_code}/join",
        data=b"{" + b" " * (1024 * 1024 + 1) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json["ok"] is False and response.json["error"]["code"]
