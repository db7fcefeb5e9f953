"""Consent at join and "my data" over HTTP: the join form's notice and box, the JSON
API's notice and optional consent, and the attendee's own page, download and erasure."""

from __future__ import annotations

import html
import json
import re

from server.core.access import Viewer
from server.core.models import Participant
from server.features.questions import asks
from tests.conftest import form_data, new_consultation

AMINA = {"display_name": "Amina Bello", "stakeholder_group": "academia", "country": "NG"}


def joined(app, consultation, **fields):
    """A browser that joined through the form (the notice accepted unless told otherwise)."""
    client = app.test_client()
    path = f"/j/{consultation.join_code}"
    response = client.post(path, data=form_data(client, path, **{**AMINA, **fields}))
    assert response.status_code == 302
    return client


def person(app, participant_id: int) -> Participant:
    with app.extensions["baraza"].store.reading() as tx:
        found = tx.get_one(Participant, participant_id)
        tx.expunge(found)
        return found


def last_attendee(app) -> Participant:
    from sqlalchemy import select

    with app.extensions["baraza"].store.reading() as tx:
        found = tx.scalars(select(Participant).order_by(Participant.id.desc())).first()
        tx.expunge(found)
        return found


def test_the_join_form_shows_the_notice_with_the_consultations_retention_and_a_required_box(
    app, app_core
):
    c = new_consultation(app_core, settings={"retention": {"days": 45}})
    page = app.test_client().get(f"/j/{c.join_code}").text
    notice = page.split('class="privacy-notice"')[1].split("</section>")[0]
    assert "names are erased 45 days after the consultation ends" in html.unescape(notice)
    assert "<details>" in notice  # the first paragraph in sight, the rest one tap away
    box = re.search(r'<input type="checkbox" id="consent"[^>]*>', page, re.S).group(0)
    assert 'name="consent"' in box and "required" in box
    assert "I have read the privacy notice and agree" in page


def test_the_organisers_own_notice_is_shown_in_the_page_language(app, app_core):
    notice = {"en": "We keep your name for the report.", "fr": "Nous gardons votre nom."}
    c = new_consultation(app_core, languages=["en", "fr"], settings={"privacy_notice": notice})
    client = app.test_client()
    client.get("/language/fr")
    page = client.get(f"/j/{c.join_code}").text
    assert "Nous gardons votre nom." in page and "We keep your name" not in page


def test_a_join_form_sent_unticked_says_so_next_to_the_box_and_keeps_what_was_typed(
    app, app_consultation
):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, **AMINA, consent=None))
    assert response.status_code == 422
    error = re.search(
        r'<p class="error field-error" id="consent-error"[^>]*>([^<]*)<', response.text
    )
    assert error and "accept the privacy notice" in error.group(1)
    box = re.search(r'<input type="checkbox" id="consent"[^>]*>', response.text, re.S).group(0)
    assert 'aria-invalid="true"' in box
    assert 'value="Amina Bello"' in response.text
    assert "bz_" not in response.headers.get("Set-Cookie", "")


def test_an_unticked_form_without_a_group_says_both_at_once(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, display_name="Amina", consent=None))
    assert response.status_code == 422
    for field in ("consent", "stakeholder_group"):
        assert re.search(rf'id="{field}-error"(?![^>]*hidden)[^>]*>', response.text), field


def test_an_unticked_form_is_answered_in_the_readers_language(app, app_consultation):
    client = app.test_client()
    client.get("/language/fr")
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, **AMINA, consent=None))
    assert response.status_code == 422 and 'lang="fr"' in response.text


def test_accepting_on_the_form_is_recorded_with_the_version_shown(app, app_consultation):
    client = joined(app, app_consultation)
    accepted = last_attendee(app)
    assert accepted.consented_at is not None
    notice = client.get(f"/api/consultations/{app_consultation.join_code}/privacy-notice").json
    assert accepted.privacy_notice_version == notice["privacy_notice"]["version"]


def test_the_api_gives_the_notice_in_the_language_asked(app, app_core):
    c = new_consultation(app_core, languages=["en", "fr"], settings={"retention": {"days": 7}})
    client = app.test_client()
    english = client.get(f"/api/consultations/{c.join_code}/privacy-notice").json
    french = client.get(f"/api/consultations/{c.join_code}/privacy-notice?lang=fr").json
    assert english["ok"] and english["privacy_notice"]["language"] == "en"
    assert "7 days after the consultation ends" in english["privacy_notice"]["text"]
    assert french["privacy_notice"]["language"] == "fr"
    assert french["privacy_notice"]["custom"] is False
    unknown = client.get("/api/consultations/NOSUCH/privacy-notice")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "unknown_consultation"


def test_the_api_join_records_consent_when_sent_and_still_joins_without(app, app_consultation):
    client = app.test_client()
    path = f"/api/consultations/{app_consultation.join_code}/join"
    with_consent = client.post(path, json={**AMINA, "consent": True, "language": "fr"}).json
    without = client.post(path, json={"display_name": "Kofi"}).json
    fr = client.get(f"/api/consultations/{app_consultation.join_code}/privacy-notice?lang=fr")
    assert (
        person(app, with_consent["participant_id"]).privacy_notice_version
        == (fr.json["privacy_notice"]["version"])
    )
    assert person(app, without["participant_id"]).consented_at is None
    refused = client.post(path, json={**AMINA, "consent": "maybe"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "invalid_consent"


def test_the_attendee_page_links_to_my_data(app, app_consultation):
    client = joined(app, app_consultation)
    page = client.get(f"/c/{app_consultation.join_code}").text
    assert f'href="/c/{app_consultation.join_code}/my-data"' in page


def test_my_data_shows_what_is_held_and_downloads_it(app, app_core, app_consultation):
    client = joined(app, app_consultation)
    me = last_attendee(app)
    viewer = Viewer(app_consultation.id, me.id, "attendee")
    asks.ask(app_core, viewer, "Is there interpretation?", None, False)
    code = app_consultation.join_code
    page = client.get(f"/c/{code}/my-data")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for shown in ("Amina Bello", "Academia", "Nigeria", "Is there interpretation?"):
        assert shown in text, shown
    assert "You accepted the privacy notice" in text
    download = client.get(f"/c/{code}/my-data.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.data)
    assert data["profile"]["display_name"] == "Amina Bello"
    assert [q["text"] for q in data["questions"]] == ["Is there interpretation?"]
    api = app.test_client().get(
        "/api/my-data", headers={"Authorization": f"Bearer {client_token(client, code)}"}
    )
    assert api.json["my_data"] == data


def client_token(client, code: str) -> str:
    return client.get_cookie(f"bz_{code}").value


def test_my_data_without_a_token_goes_to_the_join_form(app, app_consultation):
    code = app_consultation.join_code
    response = app.test_client().get(f"/c/{code}/my-data")
    assert response.status_code == 302 and response.location.endswith(f"/j/{code}")
    assert app.test_client().get(f"/c/{code}/my-data.json").status_code == 401


def test_erasing_my_name_from_the_page_once_and_again(app, app_consultation):
    client = joined(app, app_consultation)
    code = app_consultation.join_code
    path = f"/c/{code}/my-data"
    erase = f"{path}/erase-name"
    response = client.post(erase, data=form_data(client, path))
    assert response.status_code == 302 and response.location.endswith(f"{path}?erased=1")
    page = client.get(response.location).text
    assert "Your name has been erased." in page and "Amina Bello" not in page
    assert last_attendee(app).display_name == ""
    again = client.post(erase, data={"csrf_token": form_data(client, f"/j/{code}")["csrf_token"]})
    assert again.status_code == 302
