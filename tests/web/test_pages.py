"""Pages and the JSON API over HTTP."""

import json
import re

import sqlalchemy as sa

from server.core.languages import LANGUAGES
from server.core.models import Participant
from server.features.consultations.rules import STAKEHOLDER_GROUPS
from server.features.consultations.snapshots import snapshot as fresh_snapshot_of
from server.i18n import LANGUAGE_COOKIE
from tests.conftest import form_data


def fresh_snapshot(c):
    return fresh_snapshot_of(c.core, c.moderator)


def test_the_join_page_shows_the_consultation(app, app_consultation):
    page = app.test_client().get(f"/j/{app_consultation.join_code}")
    assert page.status_code == 200
    assert "Regional Cybercrime Consultations for Africa" in page.text


def test_the_forms_and_the_scripts_name_every_stakeholder_group_the_rules_accept(
    app, app_consultation
):
    client = app.test_client()
    page = client.get(f"/j/{app_consultation.join_code}").text
    form = re.search(r'<select id="stakeholder_group".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', form) == list(STAKEHOLDER_GROUPS)
    link = f"/m/{app_consultation.moderator_link}"
    client.post(link, data=form_data(client, link, display_name="Chair"))
    moderator = client.get(f"/c/{app_consultation.join_code}/moderate").text
    assert re.findall(r'data-key="group:(\w+)"', moderator) == list(STAKEHOLDER_GROUPS)
    assert re.findall(r'data-key="group_(\w+)"', moderator) == list(STAKEHOLDER_GROUPS)


def test_joining_sets_a_private_cookie_and_opens_the_attendee_page(app, app_consultation):
    client = app.test_client()
    code = app_consultation.join_code
    response = client.post(
        f"/j/{code}",
        data=form_data(client, f"/j/{code}", display_name="Kofi", stakeholder_group="academia"),
    )
    assert response.status_code == 302 and response.location.endswith(f"/c/{code}")
    cookie = response.headers["Set-Cookie"]
    assert f"bz_{code}=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(f"/c/{code}")
    assert page.status_code == 200 and 'data-page="attendee"' in page.text


def test_the_attendee_page_carries_its_snapshot_so_a_slow_phone_need_not_wait_for_it(
    app, app_consultation
):
    client = app.test_client()
    code = app_consultation.join_code
    name = "</script><script>alert(1)</script>"
    client.post(
        f"/j/{code}",
        data=form_data(client, f"/j/{code}", display_name=name, stakeholder_group="academia"),
    )
    page = client.get(f"/c/{code}").text
    carried = re.search(r'<script type="application/json" id="bz-snapshot">(.*?)</script>', page)
    assert carried, "no snapshot in the page"
    snapshot = json.loads(carried.group(1))
    assert snapshot["me"]["display_name"] == name  # kept whole, and inert in the page
    assert "<script>alert" not in page
    assert snapshot["seq"] == fresh_snapshot(app_consultation)["seq"]
    assert snapshot["consultation"]["title"] == "Regional Cybercrime Consultations for Africa"


def test_staff_pages_carry_no_snapshot(app, app_consultation):
    client = app.test_client()
    assert client.get(f"/m/{app_consultation.moderator_link}").status_code in (200, 302)
    assert "bz-snapshot" not in client.get(f"/c/{app_consultation.join_code}/moderate").text


def test_a_bad_join_form_is_shown_again_with_the_reason(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, stakeholder_group="aliens"))
    assert response.status_code == 422
    assert "stakeholder group" in response.text


def test_the_join_form_has_no_stakeholder_group_chosen_for_the_person(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    form = re.search(r'<select id="stakeholder_group".*?</select>', client.get(path).text, re.S)
    assert re.search(r'<option value="" selected>Choose…</option>', form.group(0))
    assert " required " in form.group(0) and "selected" not in form.group(0).split("Choose…")[1]


def test_a_join_form_sent_without_a_group_says_so_under_the_field_and_keeps_what_was_typed(
    app, app_consultation
):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, display_name="Amina"))
    assert response.status_code == 422
    error = re.search(
        r'<p class="error field-error" id="stakeholder_group-error"[^>]*>([^<]*)<', response.text
    )
    assert error and error.group(1) == "Choose your stakeholder group."
    assert 'aria-invalid="true"' in response.text and 'value="Amina"' in response.text
    assert 'role="alert"' not in response.text.split("<form")[0].split("</h1>")[1]


def test_the_api_join_without_a_group_keeps_its_documented_default(app, app_consultation):
    response = app.test_client().post(
        f"/api/consultations/{app_consultation.join_code}/join", json={"display_name": "Zainab"}
    )
    assert response.status_code == 200
    with app.extensions["baraza"].store.reading() as tx:
        person = tx.get(Participant, response.json["participant_id"])
    assert person.stakeholder_group == "other"


def test_staff_claiming_a_link_are_not_asked_for_a_group(app, app_consultation):
    page = app.test_client().get(f"/m/{app_consultation.moderator_link}").text
    assert 'name="stakeholder_group"' not in page


def test_a_country_that_is_not_on_the_list_is_refused_and_what_was_typed_stays(
    app, app_consultation
):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    form = form_data(
        client, path, display_name="Amina", stakeholder_group="government", country="Nigeri"
    )
    response = client.post(path, data=form)
    assert response.status_code == 422
    assert "Choose a country from the list" in response.text
    assert 'value="Nigeri"' in response.text and 'value="Amina"' in response.text


def test_a_country_chosen_by_name_is_kept_as_its_iso_code(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    response = client.post(
        path, data=form_data(client, path, stakeholder_group="government", country="Nigeria")
    )
    assert response.status_code == 302
    with app.extensions["baraza"].store.reading() as tx:
        countries = tx.scalars(
            sa.select(Participant.country).where(Participant.consultation_id == app_consultation.id)
        ).all()
    assert "NG" in countries and "NI" not in countries


def test_the_join_page_offers_the_regions_countries_first_in_the_readers_language(
    app, app_consultation
):
    client = app.test_client()
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    page = client.get(f"/j/{app_consultation.join_code}").text
    listed = re.findall(r'<option value="([^"]+)">', page.split('<datalist id="countries">')[1])
    assert len(listed) == 249
    assert "Nigeria" in listed[:54] and "Nicaragua" in listed[54:]
    assert "Afrique du Sud" in listed[:54] and "South Africa" not in listed


def test_the_attendee_page_without_a_cookie_sends_you_to_join(app, app_consultation):
    code = app_consultation.join_code
    response = app.test_client().get(f"/c/{code}")
    assert response.status_code == 302 and response.location.endswith(f"/j/{code}")


def test_a_moderator_link_leads_to_the_console(app, app_consultation):
    client = app.test_client()
    path = f"/m/{app_consultation.moderator_link}"
    response = client.post(path, data=form_data(client, path, display_name="Chair"))
    assert response.location.endswith(f"/c/{app_consultation.join_code}/moderate")
    assert 'data-page="moderator"' in client.get(response.location).text


def test_a_staff_link_says_which_consultation_and_role_before_it_is_claimed(app, app_consultation):
    client = app.test_client()
    moderator = client.get(f"/m/{app_consultation.moderator_link}").text
    assert "This link makes you a moderator of:" in moderator
    assert "Regional Cybercrime Consultations for Africa" in moderator
    assert "stakeholder_group" not in moderator and 'name="country"' not in moderator
    rapporteur = client.get(f"/r/{app_consultation.rapporteur_link}").text
    assert "This link makes you the rapporteur of:" in rapporteur


def test_a_staff_link_that_gives_nothing_says_so_before_any_form(app):
    response = app.test_client().get("/m/not-a-link")
    assert response.status_code == 404
    assert "This link is not valid or has been revoked." in response.text
    assert "unknown_link" not in response.text and 'name="display_name"' not in response.text


def test_an_attendee_cannot_open_the_moderator_console(app, app_consultation):
    client = app.test_client()
    code = app_consultation.join_code
    client.post(f"/j/{code}", data=form_data(client, f"/j/{code}", stakeholder_group="other"))
    response = client.get(f"/c/{code}/moderate")
    assert response.status_code == 302 and response.location.endswith(f"/c/{code}")


def test_an_unknown_code_is_a_clear_404(app):
    response = app.test_client().get("/api/consultations/ZZZZZZ")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_consultation"


def test_the_api_join_returns_a_token_for_socket_clients(app, app_consultation):
    response = app.test_client().post(
        f"/api/consultations/{app_consultation.join_code}/join", json={"display_name": "Zainab"}
    )
    assert response.json["ok"] is True and len(response.json["token"]) > 30


def test_a_command_over_http_is_acknowledged_like_over_socketio(app, app_consultation):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_consultation.moderator_token}"}
    ok = client.post("/api/commands/next_item", json={}, headers=auth)
    assert ok.json == {"ok": True}
    refused = client.post("/api/commands/extend_item", json={"minutes": 3}, headers=auth)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "unknown_item"


def test_a_moderator_creates_a_sister_consultation(app, app_consultation):
    from tests.conftest import DEMO_SPEC

    spec = {
        **DEMO_SPEC,
        "short_name": "americas-2024",
        "title": "Americas",
        "time_zone": "America/Bogota",
    }
    response = app.test_client().post(
        "/api/consultations",
        json=spec,
        headers={"Authorization": f"Bearer {app_consultation.moderator_token}"},
    )
    assert response.status_code == 201 and len(response.json["join_code"]) == 6


def test_an_attendee_cannot_create_consultations(app, app_consultation):
    from tests.conftest import DEMO_SPEC

    _, token = app_consultation.join_with_token()
    response = app.test_client().post(
        "/api/consultations", json=DEMO_SPEC, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


def test_malformed_json_is_a_clear_error(app, app_consultation):
    response = app.test_client().post(
        f"/api/consultations/{app_consultation.join_code}/join",
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_payload"


def test_the_language_choice_is_remembered(app):
    client = app.test_client()
    response = client.get("/language/fr?next=/")
    assert "baraza_lang=fr" in response.headers["Set-Cookie"]
    assert 'lang="fr"' in client.get("/").text
    assert set(LANGUAGES) == {"en", "fr", "pt", "ar"}


def test_the_language_switch_does_not_redirect_off_site(app):
    response = app.test_client().get("/language/fr?next=//evil.example")
    assert response.location == "/"


def _moderator_browser(app, consultation):
    client = app.test_client()
    path = f"/m/{consultation.moderator_link}"
    client.post(path, data=form_data(client, path, display_name="Chair"))
    return client


def test_a_moderator_creates_a_sister_session_from_this_agenda(app, app_consultation):
    client = _moderator_browser(app, app_consultation)
    path = f"/c/{app_consultation.join_code}/new"
    assert 'value="Africa/Lagos"' in client.get(path).text
    created = client.post(
        path,
        data=form_data(
            client,
            path,
            title="Regional Cybercrime Consultations for the Americas",
            short_name="americas-2024",
            region="Americas",
            time_zone="America/Bogota",
            start="2024-01-25T10:00",
        ),
    )
    assert created.status_code == 200
    assert "/m/" in created.text and "/r/" in created.text
    code = created.text.split("/j/")[1][:6]
    info = app.test_client().get(f"/api/consultations/{code}").json["consultation"]
    assert info["title"] == "Regional Cybercrime Consultations for the Americas"
    assert info["scheduled_start"] == "2024-01-25T15:00:00+00:00"
    assert info["planned_minutes"] == 40


def test_the_new_consultation_form_names_time_zones_by_city_and_country_with_the_offset(
    app, app_consultation
):
    client = _moderator_browser(app, app_consultation)
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    page = client.get(f"/c/{app_consultation.join_code}/new").text
    assert '<option value="Africa/Lagos" selected>(UTC+01:00) Lagos — Nigeria</option>' in page
    assert "(UTC−05:00) Bogotá — Colombie" in page
    assert "IANA" not in page


def test_a_sister_session_speaks_the_languages_ticked_on_the_form(app, app_consultation):
    client = _moderator_browser(app, app_consultation)
    path = f"/c/{app_consultation.join_code}/new"
    form = form_data(client, path, short_name="asia", languages=["en", "ar"])
    created = client.post(path, data=form)
    code = created.text.split("/j/")[1][:6]
    info = app.test_client().get(f"/api/consultations/{code}").json["consultation"]
    assert info["languages"] == ["en", "ar"]


def test_a_sister_session_with_a_bad_field_is_refused_with_the_reason(app, app_consultation):
    client = _moderator_browser(app, app_consultation)
    path = f"/c/{app_consultation.join_code}/new"
    response = client.post(path, data=form_data(client, path, time_zone="Atlantis/Main"))
    assert response.status_code == 422 and "IANA" in response.text


def test_only_moderators_reach_the_new_consultation_form(app, app_consultation):
    client = app.test_client()
    path = f"/j/{app_consultation.join_code}"
    client.post(path, data=form_data(client, path, stakeholder_group="other"))
    response = client.get(f"/c/{app_consultation.join_code}/new")
    assert response.status_code == 302


def test_the_home_page_sends_a_known_code_to_its_join_page(app, app_consultation):
    client = app.test_client()
    code = app_consultation.join_code
    response = client.post("/", data=form_data(client, "/", code=f" {code.lower()} "))
    assert response.status_code == 302 and response.location.endswith(f"/j/{code}")


def test_a_wrong_code_is_said_on_the_same_form_in_the_readers_language(app, app_consultation):
    client = app.test_client()
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    response = client.post("/", data=form_data(client, "/", code="nosuch"))
    assert response.status_code == 404
    assert "Aucune consultation ne correspond à ce code." in response.text
    assert 'value="nosuch"' in response.text and 'aria-invalid="true"' in response.text
    assert "unknown_consultation" not in response.text


def test_a_join_link_with_a_wrong_code_opens_the_code_form_saying_so(app):
    response = app.test_client().get("/j/NOSUCH")
    assert response.status_code == 404
    assert "No consultation has this code." in response.text
    assert 'name="code"' in response.text and 'value="NOSUCH"' in response.text
