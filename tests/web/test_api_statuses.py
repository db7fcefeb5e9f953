"""Over HTTP each refusal answers the status its code means, as docs/api.md lists them;
a payload that is not a JSON object is `invalid_payload`, over HTTP and Socket.IO alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.features.consultations.snapshots import snapshot
from server.web.errors import status_of

ROOT = Path(__file__).resolve().parents[2]
# A code is raised as `DomainError("code", …)` (or a kind of it), or kept beside its
# message as `"code", N_("…")` until raised.
RAISED = re.compile(r'\b(?:DomainError|NotFound|Forbidden|Conflict|Unavailable)\(\s*f?"([^"]+)"')
BESIDE_MESSAGE = re.compile(r'f?"([a-z][a-z0-9_{}]*)",\s*N_\(')


def codes_raised_in_server() -> set[str]:
    """Every code the server raises, an f-string's field written `<field>` as the docs do."""
    found = set()
    for path in (ROOT / "server").rglob("*.py"):
        text = path.read_text()
        for code in RAISED.findall(text) + BESIDE_MESSAGE.findall(text):
            found.add(re.sub(r"\{(\w+)\}", r"<\1>", code))
    return found | {"cannot_<action>"}  # questions.check_action: Conflict(code, ...)


def documented_statuses() -> dict[str, int]:
    """The table of docs/api.md's "Error codes and HTTP statuses": code -> status."""
    text = (ROOT / "docs" / "api.md").read_text()
    section = text.split("## Error codes and HTTP statuses", 1)[1].split("\n## ", 1)[0]
    table = {}
    for status, codes in re.findall(r"^\| `(\d{3})` \| (.+?) \|", section, re.M):
        for code in re.findall(r"`([a-z_<>]+)`", codes):
            assert code not in table, f"{code} is listed twice"
            table[code] = int(status)
    return table


def test_every_code_the_server_raises_has_its_status_documented():
    documented = documented_statuses()
    missing = sorted(codes_raised_in_server() - set(documented))
    assert not missing, f"list these codes in docs/api.md: {missing}"


def test_the_documented_status_of_each_code_is_the_one_the_server_answers():
    for code, status in documented_statuses().items():
        example = code.replace("<field>", "title").replace("<action>", "pin")
        assert status_of(example) == status, code


def test_only_a_bug_is_a_500():
    assert [c for c, s in documented_statuses().items() if s >= 500 and s != 503] == [
        "internal_error"
    ]


def nothing_started(consultation) -> bool:
    return snapshot(consultation.core, consultation.moderator)["agenda"]["active_item_id"] is None


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("name", "payload", "status", "code"),
    [
        ("fly_to_the_moon", {}, 404, "unknown_command"),
        ("start_item", {"item_id": 999_999}, 404, "unknown_item"),
        ("extend_item", {"item_id": "x", "minutes": 3}, 404, "unknown_item"),
        ("add_item", {"title": "", "minutes": 5}, 422, "empty_title"),
        ("add_item", {"title": "x" * 201, "minutes": 5}, 422, "title_too_long"),
        ("add_item", {"title": "Q&A", "minutes": 0}, 422, "invalid_minutes"),
        ("previous_item", {}, 409, "no_active_item"),
        ("ask_question", {"text": "Why?"}, 403, "forbidden"),
    ],
)
def test_a_refused_command_answers_the_status_of_its_code(
    app, app_consultation, name, payload, status, code
):
    response = app.test_client().post(
        f"/api/commands/{name}", json=payload, headers=auth(app_consultation.moderator_token)
    )
    assert (response.status_code, response.json["error"]["code"]) == (status, code)


def test_a_command_without_a_valid_token_is_401_with_a_bearer_challenge(app):
    for headers in ({}, auth("not-a-token")):
        response = app.test_client().post("/api/commands/next_item", json={}, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_state_is_409_on_every_endpoint(app, app_consultation):
    client = app.test_client()
    moderator = auth(app_consultation.moderator_token)
    assert client.post("/api/commands/end_consultation", json={}, headers=moderator).json["ok"]
    again = client.post("/api/commands/end_consultation", json={}, headers=moderator)
    assert (again.status_code, again.json["error"]["code"]) == (409, "consultation_ended")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("null", "application/json"),
        ("", "application/json"),
        ("", None),
        ("[]", "application/json"),
        ('"text"', "application/json"),
        ("42", "application/json"),
        ("{not json", "application/json"),
        ("item_id=1", "application/x-www-form-urlencoded"),
    ],
)
def test_a_command_body_that_is_not_a_json_object_is_invalid_payload(
    app, app_consultation, body, content_type
):
    response = app.test_client().post(
        "/api/commands/next_item",
        data=body,
        content_type=content_type,
        headers=auth(app_consultation.moderator_token),
    )
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_payload")
    assert nothing_started(app_consultation)


@pytest.mark.parametrize("path", ["/api/consultations/{code}/join", "/api/links/claim"])
@pytest.mark.parametrize("body", ["null", "", "{not json", "[1]"])
def test_every_api_body_that_is_not_a_json_object_is_invalid_payload(
    app, app_consultation, path, body
):
    response = app.test_client().post(
        path.format(code=app_consultation.join_code), data=body, content_type="application/json"
    )
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_payload")


@pytest.mark.parametrize("payload", [None, [], "text", 3])
@pytest.mark.parametrize("event", ["next_item", "sync"])
def test_a_socket_message_whose_payload_is_not_an_object_is_invalid_payload(
    socket_client, app_consultation, event, payload
):
    moderator = socket_client(app_consultation.moderator_token)
    ack = moderator.emit(event, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload"
    assert nothing_started(app_consultation)


@pytest.mark.parametrize("path", ["/api/consultations//questions", "/api/consultations//join"])
def test_an_api_address_with_an_empty_segment_is_not_found_in_json(app, path):
    """Not redirected to the address with the slashes merged, an HTML page."""
    response = app.test_client().get(path)
    assert (response.status_code, response.json["error"]["code"]) == (404, "not_found")
