"""Over HTTP, a join gives the browser a device cookie; a ban then covers that browser."""

from __future__ import annotations

from tests.conftest import form_data

PERSON = {"display_name": "Troll", "stakeholder_group": "academia"}


def ban(app, consultation, participant_id: int) -> None:
    answer = app.test_client().post(
        "/api/commands/ban_participant",
        json={"participant_id": participant_id},
        headers={"Authorization": f"Bearer {consultation.moderator_token}"},
    )
    assert answer.json["ok"], answer.json


def test_a_banned_browser_is_refused_on_the_join_form_and_another_is_not(app, app_consultation):
    code = app_consultation.join_code
    browser = app.test_client()
    joined = browser.post(f"/j/{code}", data=form_data(browser, f"/j/{code}", **PERSON))
    assert joined.status_code == 302
    device = browser.get_cookie("bz_device")
    assert device is not None and device.http_only and len(device.value) >= 32
    token = browser.get_cookie(f"bz_{code}").value
    me = browser.get("/api/snapshot", headers={"Authorization": f"Bearer {token}"}).json
    ban(app, app_consultation, me["snapshot"]["me"]["participant_id"])

    again = browser.post(f"/j/{code}", data=form_data(browser, f"/j/{code}", **PERSON))
    assert again.status_code == 403
    assert "A moderator has removed you from this consultation." in again.text
    other = app.test_client()
    assert (
        other.post(f"/j/{code}", data=form_data(other, f"/j/{code}", **PERSON)).status_code == 302
    )


def test_the_api_join_keeps_the_same_device_cookie(app, app_consultation):
    client = app.test_client()
    path = f"/api/consultations/{app_consultation.join_code}/join"
    first = client.post(path, json=PERSON)
    device = client.get_cookie("bz_device").value
    ban(app, app_consultation, first.json["participant_id"])
    refused = client.post(path, json=PERSON)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "banned"
    assert client.get_cookie("bz_device").value == device


def test_a_malformed_device_cookie_is_replaced(app, app_consultation):
    client = app.test_client()
    client.set_cookie("bz_device", "<script>")
    client.post(f"/api/consultations/{app_consultation.join_code}/join", json=PERSON)
    assert client.get_cookie("bz_device").value != "<script>"
