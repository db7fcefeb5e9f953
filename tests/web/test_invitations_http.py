"""Invitations over HTTP: importing a registration list (all or nothing, wrong lines named),
exporting the links for a mail merge, the personal link on one device or two, a revoked
link, walk-ins refused, and the report saying how the consultation was open or invited."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from server.core.commands import run
from server.core.models import Event, Participant
from tests.conftest import form_data

LIST = (
    "name,email,stakeholder_group,country,language\n"
    "Amina Diallo,amina@example.org,civil_society,SN,fr\n"
    "João Silva,,government,Mozambique,pt\n"
).encode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def c(app_consultation):
    return app_consultation


@pytest.fixture
def http(app):
    return app.test_client()


def upload(http, c, data: bytes, token: str | None = None):
    return http.post(
        f"/api/consultations/{c.join_code}/invitations",
        data=data,
        content_type="text/csv",
        headers=bearer(token or c.moderator_token),
    )


def listed(http, c) -> list[dict]:
    reply = http.get(
        f"/api/consultations/{c.join_code}/invitations", headers=bearer(c.moderator_token)
    )
    assert reply.status_code == 200, reply.json
    return reply.json["invitations"]


def link_of(http, c, name: str = "Amina Diallo") -> str:
    (person,) = [p for p in listed(http, c) if p["display_name"] == name]
    return person["link"].removeprefix("http://localhost")


def set_mode(c, **changes):
    reply = run(c.core, c.moderator, "set_participation", changes, str)
    assert reply["ok"], reply


# -- importing ----------------------------------------------------------------------------


def test_a_moderator_imports_a_list_and_reads_it_back_with_links(http, c):
    reply = upload(http, c, LIST)
    assert (reply.status_code, reply.json) == (201, {"ok": True, "imported": 2})
    people = listed(http, c)
    assert [(p["display_name"], p["email"], p["country"], p["language"]) for p in people] == [
        ("Amina Diallo", "amina@example.org", "SN", "fr"),
        ("João Silva", "", "MZ", "pt"),
    ]
    assert all(p["link"].startswith("http://localhost/i/") for p in people)
    assert all(p["participant_id"] is None and not p["revoked"] for p in people)


def test_a_file_sent_as_a_form_with_a_byte_order_mark_is_read(http, c):
    data = b"\xef\xbb\xbf" + LIST.replace(b"\n", b"\r\n")
    reply = http.post(
        f"/api/consultations/{c.join_code}/invitations",
        data={"file": (io.BytesIO(data), "list.csv")},
        content_type="multipart/form-data",
        headers=bearer(c.moderator_token),
    )
    assert (reply.status_code, reply.json["imported"]) == (201, 2)
    assert listed(http, c)[0]["display_name"] == "Amina Diallo"


def test_wrong_lines_are_named_and_nothing_is_imported(http, c):
    data = (
        b"name,email,stakeholder_group,country,language\n"
        b"Good Person,good@example.org,academia,,\n"
        b"Bad Address,not-an-address,academia,,\n"
        b'"Two\nLines",,robots,,\n'
    )
    reply = upload(http, c, data)
    assert reply.status_code == 422
    error = reply.json["error"]
    assert error["code"] == "invalid_registration_list"
    assert [(r["line"], r["column"], r["code"]) for r in error["rows"]] == [
        (3, "email", "invalid_email"),
        (4, "stakeholder_group", "invalid_stakeholder_group"),
    ]
    assert all(r["message"] for r in error["rows"])
    assert listed(http, c) == []


def test_a_list_too_big_is_refused(http, c):
    rows = "".join(f"Person {n},,other,,\n" for n in range(5001))
    reply = upload(http, c, ("name,email,stakeholder_group,country,language\n" + rows).encode())
    assert (reply.status_code, reply.json["error"]["code"]) == (413, "registration_list_too_large")
    huge = b"name,stakeholder_group,country,language\n" + b"x" * 1_000_001
    assert upload(http, c, huge).status_code == 413
    assert listed(http, c) == []


def test_only_a_moderator_imports(http, c):
    _viewer, token = c.join_with_token(display_name="Attendee")
    reply = upload(http, c, LIST, token)
    assert (reply.status_code, reply.json["error"]["code"]) == (403, "forbidden")


def test_the_links_export_as_csv_for_a_mail_merge(http, c):
    upload(http, c, LIST)
    reply = http.get(
        f"/api/consultations/{c.join_code}/invitations.csv", headers=bearer(c.moderator_token)
    )
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "stakeholder_group", "country", "language", "link"]
    assert rows[1][:5] == ["Amina Diallo", "amina@example.org", "civil_society", "SN", "fr"]
    assert rows[1][5] == "http://localhost" + link_of(http, c)


# -- the personal link ----------------------------------------------------------------------


def open_link(app, c, path: str):
    """A fresh browser opens the link and presses Join; its client and the answer."""
    browser = app.test_client()
    page = browser.get(path)
    assert page.status_code == 200 and "Amina Diallo" in page.text
    return browser, browser.post(path, data=form_data(browser, path))


def test_the_link_lets_the_invited_person_in_as_themselves(app, http, c):
    upload(http, c, LIST)
    browser, joined = open_link(app, c, link_of(http, c))
    assert joined.status_code == 302 and joined.location.endswith(f"/c/{c.join_code}")
    cookie = browser.get_cookie(f"bz_{c.join_code}")
    me = http.get("/api/snapshot", headers=bearer(cookie.value)).json["snapshot"]["me"]
    assert (me["display_name"], me["stakeholder_group"]) == ("Amina Diallo", "civil_society")
    assert browser.get_cookie("baraza_lang").value == "fr"  # the list's language
    assert browser.get(f"/c/{c.join_code}").status_code == 200


def test_a_second_device_is_the_same_person(app, http, c):
    upload(http, c, LIST)
    phone, _ = open_link(app, c, link_of(http, c))
    laptop, _ = open_link(app, c, link_of(http, c))
    tokens = [b.get_cookie(f"bz_{c.join_code}").value for b in (phone, laptop)]
    ids = {
        http.get("/api/snapshot", headers=bearer(t)).json["snapshot"]["me"]["participant_id"]
        for t in tokens
    }
    assert len(ids) == 1
    (amina,) = [p for p in listed(http, c) if p["display_name"] == "Amina Diallo"]
    assert amina["participant_id"] in ids


def test_the_json_api_joins_by_link_too(http, c):
    upload(http, c, LIST)
    token = link_of(http, c).removeprefix("/i/")
    first = http.post("/api/invitations/join", json={"link": token})
    again = http.post("/api/invitations/join", json={"link": token})
    assert first.status_code == 200 and first.json["join_code"] == c.join_code
    assert first.json["participant_id"] == again.json["participant_id"]
    bad = http.post("/api/invitations/join", json={"link": "x" * 43})
    assert (bad.status_code, bad.json["error"]["code"]) == (404, "unknown_invitation")


def logged_consents(c) -> list[dict]:
    with c.core.store.reading() as tx:
        events = tx.scalars(
            select(Event).where(
                Event.consultation_id == c.id, Event.type == "privacy_notice_accepted"
            )
        )
        return [event.payload for event in events]


def test_the_link_shows_the_privacy_notice_and_its_box_is_required(app, http, c):
    upload(http, c, LIST)
    path = link_of(http, c)
    browser = app.test_client()
    page = browser.get(path).text
    assert "Privacy notice" in page and 'name="consent"' in page and "required" in page
    refused = browser.post(path, data=form_data(browser, path, consent=None))
    assert refused.status_code == 422
    assert "Tick the box to accept the privacy notice" in refused.text
    assert browser.get_cookie(f"bz_{c.join_code}") is None
    assert [p["participant_id"] for p in listed(http, c)] == [None, None]
    assert logged_consents(c) == []


def test_joining_by_link_records_the_notice_accepted_once(app, http, c):
    upload(http, c, LIST)
    path = link_of(http, c)
    phone, _ = open_link(app, c, path)
    open_link(app, c, path)  # a second device: the same person, no second arrival
    (amina,) = [p for p in listed(http, c) if p["display_name"] == "Amina Diallo"]
    with c.core.store.reading() as tx:
        person = tx.get_one(Participant, amina["participant_id"])
        version = person.privacy_notice_version
        assert person.consented_at is not None and version
    (accepted,) = logged_consents(c)
    assert accepted == {"participant_id": person.id, "version": version, "language": "en"}


def test_the_json_api_records_consent_when_sent(http, c):
    upload(http, c, LIST)
    amina, joao = (link_of(http, c, name).removeprefix("/i/") for name in NAMES)
    http.post("/api/invitations/join", json={"link": amina, "consent": True, "language": "pt"})
    http.post("/api/invitations/join", json={"link": joao})
    (accepted,) = logged_consents(c)
    assert accepted["language"] == "pt"
    wrong = http.post("/api/invitations/join", json={"link": joao, "consent": "maybe"})
    assert (wrong.status_code, wrong.json["error"]["code"]) == (422, "invalid_consent")


NAMES = ("Amina Diallo", "João Silva")


def test_erasing_my_name_erases_it_from_the_registration_list_too(app, http, c):
    upload(http, c, LIST)
    browser, _ = open_link(app, c, link_of(http, c))
    token = browser.get_cookie(f"bz_{c.join_code}").value
    erased = http.post("/api/commands/erase_my_name", json={}, headers=bearer(token))
    assert erased.status_code == 200, erased.json
    assert [p["display_name"] for p in listed(http, c)] == ["", "João Silva"]


def test_a_revoked_link_no_longer_opens(app, http, c):
    upload(http, c, LIST)
    path = link_of(http, c)
    browser, _ = open_link(app, c, path)
    (amina,) = [p for p in listed(http, c) if p["display_name"] == "Amina Diallo"]
    revoked = http.post(
        "/api/commands/revoke_invitation",
        json={"invitation_id": amina["invitation_id"]},
        headers=bearer(c.moderator_token),
    )
    assert revoked.status_code == 200, revoked.json
    assert app.test_client().get(path).status_code == 403
    token = browser.get_cookie(f"bz_{c.join_code}").value
    refused = http.get("/api/snapshot", headers=bearer(token))
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "invitation_revoked")
    assert [p["revoked"] for p in listed(http, c)] == [True, False]


# -- walk-ins and the report -------------------------------------------------------------------


def test_walk_ins_are_refused_with_a_clear_code(http, c):
    set_mode(c, mode="invited")
    run(c.core, c.moderator, "next_item", {}, str)
    _viewer, token = c.join_with_token(display_name="Walk-in")
    for name, payload in (("raise_hand", {}), ("ask_question", {"text": "May I?"})):
        reply = http.post(f"/api/commands/{name}", json=payload, headers=bearer(token))
        assert (reply.status_code, reply.json["error"]["code"]) == (403, "invitation_required")
    set_mode(c, walk_in_questions=True)
    asked = http.post("/api/commands/ask_question", json={"text": "May I?"}, headers=bearer(token))
    assert asked.status_code == 200


def test_the_report_says_the_consultation_was_invited_and_its_turnout(app, http, c):
    set_mode(c, mode="invited")
    upload(http, c, LIST)
    open_link(app, c, link_of(http, c))
    c.join(display_name="Walk-in")
    report = http.get(
        f"/c/{c.join_code}/report/download/markdown?audience=full",
        headers=bearer(c.moderator_token),
    ).text
    assert "Who could take part" in report
    assert (
        "- **Participation:** Invited: a registration list, each person with a personal link\n"
        "- **Invited:** 2\n"
        "- **Invited people who joined:** 1\n"
        "- **Walk-ins (joined with the code, without an invitation):** 1\n"
    ) in report


def test_an_open_consultation_says_so_in_its_report(http, c):
    report = http.get(
        f"/c/{c.join_code}/report/download/markdown?audience=shareable",
        headers=bearer(c.moderator_token),
    ).text
    assert "- **Participation:** Open: anyone with the join code\n" in report
    assert "Invited people who joined" not in report


# -- the moderators' page ------------------------------------------------------------------------


def test_the_moderators_page_imports_and_prints_the_list(app, c):
    browser = app.test_client()
    browser.set_cookie(f"bz_{c.join_code}", c.moderator_token)
    path = f"/c/{c.join_code}/invitations"
    bad = b"name,stakeholder_group,country,language\nSomeone,robots,,\n"
    fields = form_data(browser, path, file=(io.BytesIO(bad), "list.csv"))
    refused = browser.post(path, data=fields, content_type="multipart/form-data")
    assert refused.status_code == 422 and "<td>2</td>" in refused.text
    fields = form_data(browser, path, file=(io.BytesIO(LIST), "list.csv"))
    page = browser.post(path, data=fields, content_type="multipart/form-data")
    assert page.status_code == 200
    assert "Amina Diallo" in page.text and "http://localhost/i/" in page.text
