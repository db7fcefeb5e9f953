"""Reading what a Flask-SocketIO test client was sent, the way static/js/core/live.js does."""

from __future__ import annotations

from typing import Any


def envelopes(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The event envelopes in `messages`, in order: each `events` message holds a list."""
    return [
        envelope
        for message in messages
        if message.get("name") == "events"
        for envelope in message["args"][0]
    ]


def events_of(client: Any) -> list[dict[str, Any]]:
    """The event envelopes `client` was sent since last asked."""
    return envelopes(client.get_received())
