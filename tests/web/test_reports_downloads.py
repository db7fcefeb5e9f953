"""Report downloads over HTTP: who may have which file, under which name, streamed."""

import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import insert

from server.core.events import PUBLIC, STAFF
from server.core.models import Consultation, Event
from server.reports import exports
from server.reports.model import Audience
from tests.conftest import form_data

JSON = {"Accept": "application/json"}


def _url(c, fmt, audience=None):
    query = f"?audience={audience}" if audience else ""
    return f"/c/{c.join_code}/report/download/{fmt}{query}"


def _bearer(token):
    return {**JSON, "Authorization": f"Bearer {token}"}


def _rapporteur_browser(app, c):
    client = app.test_client()
    path = f"/r/{c.rapporteur_link}"
    client.post(path, data=form_data(client, path, display_name="Ngozi"))
    return client


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("markdown", "africa-2024-2024-01-18-shareable.md", "text/markdown; charset=utf-8"),
        (
            "docx",
            "africa-2024-2024-01-18-shareable.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("csv", "africa-2024-2024-01-18-shareable.zip", "application/zip"),
    ],
)
def test_a_rapporteur_downloads_each_format_with_its_cookie(
    app, app_consultation, fmt, name, content_type
):
    response = _rapporteur_browser(app, app_consultation).get(_url(app_consultation, fmt))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.data) > 100


def test_the_file_is_named_by_the_date_in_the_consultations_time_zone(app, app_core):
    from tests.conftest import new_consultation

    late = new_consultation(app_core, start="2024-01-18T23:30:00", time_zone="America/Lima")
    response = app.test_client().get(_url(late, "json"), headers=_bearer(late.moderator_token))
    assert "africa-2024-2024-01-18-report.json" in response.headers["Content-Disposition"]


def test_a_moderator_downloads_both_records_under_distinct_names_and_the_archive_with_a_token(
    app, app_consultation
):
    client = app.test_client()
    headers = _bearer(app_consultation.moderator_token)
    for fmt, extension in (("markdown", "md"), ("docx", "docx"), ("csv", "zip")):
        for audience in ("shareable", "full"):
            response = client.get(_url(app_consultation, fmt, audience), headers=headers)
            name = f"africa-2024-2024-01-18-{audience}.{extension}"
            assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
            assert response.data
            response.close()
    full = client.get(_url(app_consultation, "markdown", "full"), headers=headers)
    assert full.status_code == 200 and b"full record for moderators" in full.data
    assert full.data.startswith(b"# Full record (moderators only): Regional Cybercrime")
    archive = client.get(_url(app_consultation, "json"), headers=headers)
    assert archive.status_code == 200 and archive.json["format"] == "baraza-archive"


@pytest.mark.parametrize(
    ("who", "fmt", "audience", "status", "code"),
    [
        ("nobody", "markdown", None, 401, "not_authenticated"),
        ("attendee", "markdown", None, 403, "forbidden"),
        ("rapporteur", "markdown", "full", 403, "forbidden"),
        ("rapporteur", "json", None, 403, "forbidden"),
        ("moderator", "json", "shareable", 422, "invalid_audience"),
        ("moderator", "markdown", "everyone", 422, "invalid_audience"),
        ("moderator", "pdf", None, 404, "unknown_format"),
        ("nobody", "pdf", None, 404, "unknown_format"),
        ("stranger", "markdown", None, 403, "forbidden"),
    ],
)
def test_a_download_without_the_right_link_is_refused(
    app, app_core, app_consultation, who, fmt, audience, status, code
):
    from tests.conftest import new_consultation

    c = app_consultation
    tokens = {
        "attendee": c.join_with_token()[1],
        "rapporteur": _rapporteur_token(app, c),
        "moderator": c.moderator_token,
        "stranger": new_consultation(app_core).moderator_token,  # another consultation's
    }
    headers = _bearer(tokens[who]) if who in tokens else JSON
    response = app.test_client().get(_url(c, fmt, audience), headers=headers)
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def _rapporteur_token(app, c):
    answer = app.test_client().post("/api/links/claim", json={"link": c.rapporteur_link})
    return answer.json["token"]


def test_a_refusal_in_a_browser_is_a_page_not_a_file(app, app_consultation):
    response = app.test_client().get(_url(app_consultation, "pdf"))
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response.headers


EVENTS = 20_000


def _long_log(core, consultation_id, events=EVENTS):
    """A log of `events` events: 2,000 attendees coming and going, written in bulk."""
    with core.store.transaction() as tx:
        consultation = tx.get_one(Consultation, consultation_id, with_for_update=True)
        start, moment = consultation.last_seq, core.now()
        rows = []
        for n in range(1, events + 1):
            kind = "participant_arrived" if n % 2 else "participant_left"
            payload = {
                "participant_id": 10_000_000 + n % 2000,
                "role": "attendee",
                "display_name": "",
                "stakeholder_group": "civil_society",
                "country": "NG",
                "present": n % 2000,
            }
            public = n % 10 == 0
            rows.append(
                {
                    "consultation_id": consultation_id,
                    "seq": start + n,
                    "public_prev_seq": consultation.last_public_seq if public else None,
                    "visibility": PUBLIC if public else STAFF,
                    "type": "item_extended" if public else kind,
                    "payload": {"title": "Regional issues", "minutes": 1} if public else payload,
                    "actor_id": None,
                    "actor_role": "system",
                    "created_at": moment + timedelta(milliseconds=n),
                }
            )
            if public:
                consultation.last_public_seq = start + n
        tx.execute(insert(Event), rows)
        consultation.last_seq = start + events


def test_a_long_log_downloads_as_a_stream(app, app_core, app_consultation):
    _long_log(app_core, app_consultation.id)
    client = app.test_client()
    headers = _bearer(app_consultation.moderator_token)
    response = client.get(_url(app_consultation, "json"), headers=headers, buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 10
    assert b"".join(chunks).count(b'"seq":') > EVENTS


def _peak_memory(core, consultation_id, fmt):
    """The file's size and the most memory Python held while producing it."""
    pieces = exports.stream(core, consultation_id, exports.FORMATS[fmt], Audience.FULL)
    tracemalloc.start()
    size = sum(len(piece) for piece in pieces)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak


@pytest.mark.parametrize("fmt", ["json", "csv"])  # markdown streams like both
def test_memory_stays_the_same_however_long_the_log(create_consultation, core, fmt):
    short, long = create_consultation(), create_consultation()
    _long_log(core, short.id, 2_000)
    _long_log(core, long.id, EVENTS)
    short_size, short_peak = _peak_memory(core, short.id, fmt)
    long_size, long_peak = _peak_memory(core, long.id, fmt)
    assert long_size > 5 * short_size
    # ~1.6 MB either way, measured; a file built in memory would need its whole size.
    assert long_peak < short_peak * 1.25, (short_peak, long_peak, long_size)


def test_the_rapporteurs_page_has_notes_attendance_and_downloads(app, app_consultation):
    page = _rapporteur_browser(app, app_consultation).get(f"/c/{app_consultation.join_code}/report")
    assert page.status_code == 200
    assert "data-notes" in page.text and "data-attendance" in page.text
    assert '<span data-key="nearlyFull">{percent}% of this note’s room used</span>' in page.text
    code = app_consultation.join_code
    assert f'href="/c/{code}/report/download/docx"' in page.text
    assert "audience=full" not in page.text


def test_the_moderators_console_offers_the_full_record_and_the_archive(app, app_consultation):
    client = app.test_client()
    path = f"/m/{app_consultation.moderator_link}"
    client.post(path, data=form_data(client, path, display_name="Chair"))
    page = client.get(f"/c/{app_consultation.join_code}/moderate")
    assert f"/c/{app_consultation.join_code}/report/download/json" in page.text
    assert "audience=full" in page.text
