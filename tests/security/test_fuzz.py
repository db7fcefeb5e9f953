"""Random and malformed input at every Socket.IO command and every API endpoint.

Whatever arrives, the answer is a clear one — `{"ok": true, ...}` or
`{"ok": false, "error": {"code", "message"}}` with a code other than
`internal_error` (which would mean a crash) — and the server stays up.
Commands and endpoints come from the registry and the URL map, so every
feature's are fuzzed too.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.app import create_app
from tests.conftest import WIRING

COMMANDS = WIRING.commands  # every command the features add

FIELDS = ["item_id", "minutes", "title", "order", "role", "since", "command_id", "display_name"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=12,
)
# Mostly objects with the fields commands read, bent out of shape; sometimes anything.
payloads = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=6),
    json_values,
)
# Hypothesis warns when the example it would print is very large (36 kB of generated
# payload in a clean-clone run), and `filterwarnings = error` failed the test on it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"
)

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app(app):
    """The usual test application, with no rate limit: every example reaches its command."""
    return create_app(replace(app.config["BARAZA"], command_burst=10**9))


def assert_clear(answer: Any, where: str) -> None:
    assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), (where, answer)
    if not answer["ok"]:
        error = answer["error"]
        assert isinstance(error["code"], str) and error["code"], (where, answer)
        assert isinstance(error["message"], str) and error["message"], (where, answer)
        assert error["code"] != "internal_error", (where, answer)


def fuzz_command(people: dict[str, Any], name: str) -> None:
    @FUZZ
    @given(payload=payloads, role=st.sampled_from(sorted(people)))
    def attempt(payload: Any, role: str) -> None:
        client = people[role]
        assert_clear(client.emit(name, payload, callback=True), f"{name} {payload!r}")
        assert client.is_connected()

    attempt()


def test_random_payloads_at_every_command_get_clear_answers(socket_client, app_consultation):
    c = app_consultation
    people = {
        "moderator": socket_client(c.moderator_token),
        "attendee": socket_client(c.join_with_token()[1]),
    }
    for name in [*sorted(COMMANDS), "sync"]:
        fuzz_command(people, name)
    assert people["attendee"].emit("sync", {}, callback=True)["ok"] is True


@FUZZ
@given(name=st.text(max_size=60), payload=payloads)
def test_unknown_event_names_are_refused_clearly(socket_client, app_consultation, name, payload):
    client = socket_client(app_consultation.moderator_token)
    ack = client.emit(name, payload, callback=True)
    if name not in COMMANDS and name not in ("sync", "connect", "disconnect"):
        assert_clear(ack, name)
        assert ack["ok"] is False


bodies = st.one_of(
    payloads.map(lambda value: ("application/json", json.dumps(value))),
    st.binary(max_size=200).map(lambda raw: ("application/json", raw)),
    st.text(max_size=200).map(lambda text: ("application/x-www-form-urlencoded", text)),
)
segments = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"), max_size=30
)


def fuzz_endpoint(client: Any, tokens: list[str | None], method: str, rule: Any) -> None:
    @FUZZ
    @given(
        body=bodies,
        values=st.fixed_dictionaries({a: segments for a in rule.arguments}),
        token=st.sampled_from(tokens),
    )
    def attempt(body: tuple[str, Any], values: dict[str, str], token: str | None) -> None:
        path = rule.rule
        for argument, value in values.items():
            path = path.replace(f"<{argument}>", value or "x")
        content_type, data = body
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(
            path,
            method=method,
            data=data if method == "POST" else None,
            content_type=content_type,
            headers=headers,
        )
        where = f"{method} {path} {body!r}"
        assert response.status_code < 500, where
        assert isinstance(response.get_json(), dict), where
        if response.status_code >= 400:
            assert_clear(response.get_json(), where)

    attempt()


def test_random_requests_at_every_api_endpoint_get_clear_answers(app, app_consultation):
    c = app_consultation
    client = app.test_client()
    tokens = [None, c.moderator_token, c.join_with_token()[1], "x" * 43]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                fuzz_endpoint(client, tokens, method, rule)
    assert client.get("/api/health").json == {"ok": True}
