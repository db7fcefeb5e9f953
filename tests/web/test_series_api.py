"""The series' HTTP API: each refusal its own code and status, and nothing half-written."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from server.core.models import Consultation
from tests.services.test_series import AMERICAS_CHANGES, SERIES, region


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def new_series(client, moderator_token, **fields):
    answer = client.post(
        "/api/series", json={**copy.deepcopy(SERIES), **fields}, headers=bearer(moderator_token)
    )
    assert answer.status_code == 201, answer.json
    return answer.json["series_id"], answer.json["organiser_link"]


def consultations_count(app_core):
    with app_core.store.reading() as tx:
        return tx.scalar(select(func.count()).select_from(Consultation))


def test_an_organiser_makes_regions_and_reads_the_comparison(app, app_consultation):
    client = app.test_client()
    series_id, link = new_series(client, app_consultation.moderator_token)

    made = client.post(
        f"/api/series/{series_id}/consultations",
        json={**region("Americas", "America/Bogota"), **AMERICAS_CHANGES, "dates_unknown": True},
        headers=bearer(link),
    )
    assert made.status_code == 201
    assert set(made.json) == {
        "ok",
        "consultation_id",
        "join_code",
        "moderator_link",
        "rapporteur_link",
    }

    view = client.get(f"/api/series/{series_id}", headers=bearer(link)).json["series"]
    (americas,) = view["consultations"]
    assert (americas["region"], americas["state"], americas["dates_unknown"]) == (
        "Americas",
        "draft",
        True,
    )
    compared = client.get(f"/api/series/{series_id}/comparison", headers=bearer(link)).json
    assert [p["key"] for p in compared["comparison"]["polls"]] == ["poll.ratify", "poll.priorities"]
    poll = client.get(
        f"/api/series/{series_id}/comparison/polls/poll.ratify", headers=bearer(link)
    ).json["poll"]
    assert poll["empty"] is True and poll["regions"][0]["status"] == "not_opened"


def test_each_refusal_has_its_code_and_status(app, app_core, app_consultation):
    client = app.test_client()
    series_id, link = new_series(client, app_consultation.moderator_token)
    other_id, other_link = new_series(client, app_consultation.moderator_token, short_name="b")
    africa = region("Africa", "Africa/Lagos")
    before = consultations_count(app_core)

    def refused(method, path, token, body=None):
        answer = client.open(path, method=method, json=body, headers=bearer(token))
        return answer.status_code, answer.json["error"]["code"]

    base = f"/api/series/{series_id}"
    assert refused("GET", "/api/series/999", link) == (404, "unknown_series")
    assert refused("GET", base, "not-a-link") == (401, "unknown_organiser_link")
    assert refused("GET", base, other_link) == (403, "wrong_series")
    assert refused("GET", f"{base}/comparison/polls/poll.nope", link) == (
        404,
        "unknown_series_key",
    )
    unknown = {**africa, "agenda": [{"key": "aims.nope"}]}
    assert refused("POST", f"{base}/consultations", link, unknown) == (404, "unknown_series_key")
    mismatch = {**africa, "polls": {"poll.ratify": {"options": [{"key": "yes"}, {"key": "no"}]}}}
    assert refused("POST", f"{base}/consultations", link, mismatch) == (
        422,
        "option_keys_mismatch",
    )
    assert refused("POST", "/api/series", app_consultation.moderator_token, SERIES) == (
        409,
        "series_name_taken",
    )
    assert consultations_count(app_core) == before

    joining = {
        "join_code": app_consultation.join_code,
        "moderator_link": app_consultation.moderator_link,
    }
    assert client.post(f"{base}/members", json=joining, headers=bearer(link)).status_code == 201
    assert refused("POST", f"/api/series/{other_id}/members", other_link, joining) == (
        409,
        "already_in_series",
    )


def test_only_a_moderator_creates_a_series(app, app_consultation):
    client = app.test_client()
    attendee_token = app_consultation.join_with_token()[1]
    answer = client.post("/api/series", json=SERIES, headers=bearer(attendee_token))
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "forbidden")


def test_the_series_archive_is_downloaded_and_restored_over_http(app, app_consultation):
    client = app.test_client()
    series_id, link = new_series(client, app_consultation.moderator_token)
    made = client.post(
        f"/api/series/{series_id}/consultations",
        json=region("Africa", "Africa/Lagos"),
        headers=bearer(link),
    )
    assert made.status_code == 201
    written = client.get(f"/api/series/{series_id}/archive", headers=bearer(link))
    assert written.status_code == 200 and written.mimetype == "application/json"

    moderator = bearer(app_consultation.moderator_token)
    again = client.post("/api/series/import", data=written.data, headers=moderator)
    assert (again.status_code, again.json["error"]["code"]) == (409, "series_name_taken")
    document = written.json
    document["series"]["short_name"] = "restored"
    restored = client.post("/api/series/import", json=document, headers=moderator)
    assert restored.status_code == 201
    assert len(restored.json["consultations"]) == 1
    view = client.get(
        f"/api/series/{restored.json['series_id']}", headers=bearer(restored.json["organiser_link"])
    )
    assert view.json["series"]["consultations"][0]["region"] == "Africa"
