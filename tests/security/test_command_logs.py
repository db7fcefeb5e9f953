"""Logs: one JSON line per command, saying what was done and how it went, never who said what."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from server.config import Config
from server.core import logs

NAME = "Wanjiru Distinctname-Qz"
QUESTION = "Will the plover xyzzy treaty cover cross-border evidence?"
COMMAND_ID = "client-id-frobnicate-0001"
EVENT_NAME = "ask_question_by_Wanjiru"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged meanwhile, formatted by the JSON formatter into a stream."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def commands_logged(stream: io.StringIO) -> list[dict]:
    return [line for line in parsed(stream) if line["logger"] == "server.commands"]


def test_each_command_is_one_json_line_without_names_texts_tokens_or_links(
    app, app_consultation, socket_client, log_lines
):
    c = app_consultation
    _, token = c.join_with_token(display_name=NAME)
    attendee = socket_client(token)
    moderator = socket_client(c.moderator_token)
    assert moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)["ok"]
    asked = attendee.emit(
        "ask_question", {"text": QUESTION, "command_id": COMMAND_ID}, callback=True
    )
    assert asked["ok"], asked
    assert attendee.emit("ask_question", {"text": ""}, callback=True)["ok"] is False
    attendee.emit(EVENT_NAME, {"text": QUESTION}, callback=True)
    http = app.test_client().post(
        "/api/commands/approve_questions",
        json={"question_ids": [asked["question"]["id"]]},
        headers={"Authorization": f"Bearer {c.moderator_token}"},
    )
    assert http.status_code == 200, http.text

    lines = commands_logged(log_lines)
    assert [(line["command"], line["outcome"]) for line in lines] == [
        ("start_item", "ok"),
        ("ask_question", "ok"),
        ("ask_question", "empty_question"),
        ("unknown", "unknown_command"),
        ("approve_questions", "ok"),
    ]
    worker = lines[0]["worker"]
    for line in lines:
        assert line["consultation"] == c.join_code
        assert line["worker"] == worker
        assert line["duration_ms"] >= 0
    assert lines[1]["command_id"] == logs.command_id_digest({"command_id": COMMAND_ID})
    assert [line["command_id"] for line in lines if line is not lines[1]] == [None] * 4
    everything = log_lines.getvalue()
    for private in (NAME, QUESTION, COMMAND_ID, EVENT_NAME, token, c.moderator_token):
        assert private not in everything
    for link in (c.moderator_link, c.rapporteur_link):
        assert link not in everything


def test_a_retried_command_logs_the_same_digest_of_its_id(
    app_consultation, socket_client, log_lines
):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    payload = {"title": "Q&A", "minutes": 5, "command_id": COMMAND_ID}
    first = moderator.emit("add_item", payload, callback=True)
    again = moderator.emit("add_item", payload, callback=True)
    assert first == again == {"ok": True}
    digests = [line["command_id"] for line in commands_logged(log_lines)]
    assert len(digests) == 2 and digests[0] == digests[1] and digests[0] is not None


def test_log_level_and_format_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = Config.from_env(secret_key="x", database_url="sqlite://")
    assert (config.log_level, config.log_format) == ("WARNING", "json")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        Config.from_env(secret_key="x", database_url="sqlite://")


def test_configure_sets_the_level_and_json_lines_on_a_bare_root(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    logs.configure("WARNING", "json")
    assert root.level == logging.WARNING
    assert isinstance(root.handlers[0].formatter, logs.JsonFormatter)
    assert not logs.command_log.isEnabledFor(logging.INFO)
