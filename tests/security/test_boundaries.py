"""Numbers and text at and past their bounds, at every command, on both databases.

Every field a command reads is sent, alone, at the edges where storage differs:
ids past the database's 32-bit integer, numbers past what JavaScript holds
exactly or past 64 bits, text that is not valid Unicode (a lone surrogate, as
`"\\ud800"` in JSON gives), and characters of every Unicode plane. Each answer
is either done or a clear refusal — never `internal_error` — on SQLite and on
PostgreSQL alike, and a refusal wrote nothing to the consultation's log.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.core.socket import socketio
from server.core.store import Store
from server.features.consultations import service as consultations
from tests.conftest import WIRING, Consultation, app_for, new_consultation

COMMANDS = WIRING.commands  # every command the features add

NUMBERS = [2**31 - 1, 2**31, 2**53, 10**20]
TEXTS = [
    "\ud800",  # a lone high surrogate
    "cut \udfff here",  # a lone low surrogate inside text
    "Plane 1 𝄞, plane 2 \U00020000, plane 14 \U000e0041, plane 16 \U0010fffd",
]
# Fields whose whole value a handler hands on (`data` itself): any key may matter.
EVERY_KEY = re.compile(r"\(\s*core,\s*viewer,\s*data\s*\)|,\s*data\s*\)")
READ_KEY = re.compile(r"""data(?:\.get\(|\[)["']([a-z_]+)["']""")


def keys_read_by(name: str, every_key: list[str]) -> list[str]:
    """The payload keys command `name` reads, from its handler's source."""
    source = inspect.getsource(COMMANDS[name])
    if EVERY_KEY.search(source):
        return every_key
    return sorted(set(READ_KEY.findall(source)))


def every_payload_key() -> list[str]:
    """Every key any handler or service reads from a payload or a spec."""
    server = Path(__file__).resolve().parents[2] / "server"
    keys: set[str] = set()
    for path in server.rglob("*.py"):
        keys.update(
            re.findall(
                r"""(?:data|spec|raw|item)(?:\.get\(|\[)["']([a-z_]+)["']""", path.read_text()
            )
        )
    return sorted(keys)


@pytest.fixture
def app_on(store: Store, tmp_path: Path) -> Flask:
    """The application on the `store`'s database (SQLite and PostgreSQL), no rate limit."""
    return app_for(store.url, tmp_path, command_burst=10**9)


@pytest.fixture
def people(app_on: Flask) -> Iterator[tuple[Consultation, dict[str, Any]]]:
    core = app_on.extensions["baraza"]
    c = new_consultation(core)
    rapporteur = consultations.claim_link(core, c.rapporteur_link, {}).token
    clients = {
        "moderator": socketio.test_client(app_on, auth={"token": c.moderator_token}),
        "rapporteur": socketio.test_client(app_on, auth={"token": rapporteur}),
        "attendee": socketio.test_client(app_on, auth={"token": c.join_with_token()[1]}),
    }
    yield c, clients
    for client in clients.values():
        client.disconnect()


def unclear(answer: Any) -> bool:
    """Whether `answer` is not a clear one: not an acknowledgement, or a crash's."""
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        return True
    return not answer["ok"] and answer["error"]["code"] == "internal_error"


@pytest.mark.parametrize("kind", ["numbers", "texts"])
def test_every_field_at_its_bounds_gets_a_clear_answer(people, kind):
    c, clients = people
    values: list[Any] = NUMBERS if kind == "numbers" else TEXTS
    every_key = every_payload_key()
    crashes = [
        f"{role} {name} {key}={value!r}"
        for name in sorted(COMMANDS)
        for key in keys_read_by(name, every_key)
        for value in (*values, *([one] for one in values))
        for role, client in clients.items()
        if unclear(client.emit(name, {key: value}, callback=True))
    ]
    assert not crashes, "\n".join(crashes)
    assert clients["attendee"].emit("sync", {}, callback=True)["ok"] is True


@pytest.mark.parametrize("since", NUMBERS)
def test_a_resync_from_any_number_gets_a_clear_answer(people, since):
    _, clients = people
    answers = {
        role: client.emit("sync", {"since": since}, callback=True)
        for role, client in clients.items()
    }
    assert [role for role, answer in answers.items() if unclear(answer)] == []
