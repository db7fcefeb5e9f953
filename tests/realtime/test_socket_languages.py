"""Socket.IO replies in each connection's language: the one its handshake asked for.

Flask-Babel picks the language per event from the Socket.IO handshake request, which
carries the browser's Accept-Language and the `baraza_lang` cookie of the switcher.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

UNKNOWN_ITEM = {"item_id": 999999, "minutes": 3}


@pytest.fixture
def connect(socket_client) -> Callable[..., Any]:
    """A connected socket client for `token`, with the handshake's headers or browser."""

    def open_client(token: str, **handshake: Any) -> Any:
        client = socket_client(token, **handshake)
        assert client.is_connected()
        return client

    return open_client


def refusal(client, name: str, payload: dict[str, Any]) -> dict[str, str]:
    ack = client.emit(name, payload, callback=True)
    assert ack["ok"] is False
    return ack["error"]


def test_a_french_browsers_refused_command_comes_in_french(connect, app_consultation):
    chair = connect(app_consultation.moderator_token, headers={"Accept-Language": "fr-FR,fr"})
    assert refusal(chair, "extend_item", UNKNOWN_ITEM) == {
        "code": "unknown_item",
        "message": "Ce point de l’ordre du jour n’existe pas.",
    }
    assert refusal(chair, "no_such_command", {})["message"] == "Cette commande n’existe pas."


def test_the_language_chosen_on_the_page_is_the_connections_language(
    app, connect, app_consultation
):
    browser = app.test_client()
    browser.get("/language/ar")
    _, token = app_consultation.join_with_token(display_name="Layla")
    attendee = connect(token, headers={"Accept-Language": "fr"}, browser=browser)
    error = refusal(attendee, "ask_question", {"text": ""})
    assert error == {"code": "empty_question", "message": "السؤال: لا يجوز ترك هذا الحقل فارغًا."}


def test_connections_in_different_languages_are_answered_each_in_its_own(connect, app_consultation):
    french = connect(app_consultation.moderator_token, headers={"Accept-Language": "fr"})
    _, token = app_consultation.join_with_token(display_name="João")
    portuguese = connect(token, headers={"Accept-Language": "pt-PT"})
    english = connect(app_consultation.join_with_token()[1])
    for _ in range(2):
        assert refusal(portuguese, "extend_item", UNKNOWN_ITEM)["message"] == (
            "A sua função não permite fazer isto."
        )
        assert refusal(french, "extend_item", UNKNOWN_ITEM)["message"] == (
            "Ce point de l’ordre du jour n’existe pas."
        )
        assert refusal(english, "extend_item", UNKNOWN_ITEM)["message"] == (
            "Your role cannot do this."
        )


def test_the_field_a_refusal_names_is_in_the_connections_language(connect, app_consultation):
    attendee = connect(app_consultation.join_with_token()[1], headers={"Accept-Language": "pt"})
    hand = {"item_id": app_consultation.item_ids()[0], "topic": 5}
    assert refusal(attendee, "raise_hand", hand)["message"] == "O tema tem de ser texto."
