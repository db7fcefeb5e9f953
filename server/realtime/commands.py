"""Client commands: one registry, one way to parse, authorise, run and acknowledge.

Every command handler is `handler(core, viewer, payload) -> Outcome`. The
wrapper turns a payload that is not an object, a DomainError or any surprise
into `{"ok": false, "error": {"code", "message"}}`, publishes the events of a
committed command, and acknowledges `{"ok": true, ...}`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import N_, DomainError
from ..domain.events import LoggedEvent
from ..services.access import Viewer
from ..services.core import Core
from . import emitter

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    events: list[LoggedEvent] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Core, Viewer, dict[str, Any]], Outcome]

COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    """Register `name` as a client command (imperative: `start_item`)."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"command {name} registered twice")
        COMMANDS[name] = handler
        return handler

    return register


Translate = Callable[[DomainError], str]


def run(
    core: Core, viewer: Viewer | None, name: str, payload: Any, translate: Translate
) -> dict[str, Any]:
    """Run command `name` for `viewer` and return its acknowledgement."""
    try:
        handler = COMMANDS.get(name)
        if handler is None:
            raise DomainError("unknown_command", N_("There is no such command."))
        if viewer is None:
            raise DomainError("not_authenticated", N_("Join the consultation first."))
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise DomainError("invalid_payload", N_("A command's payload is an object."))
        outcome = handler(core, viewer, payload)
    except DomainError as error:
        return failure(error, translate)
    except Exception:
        log.exception("command %s failed", name)
        return failure(
            DomainError("internal_error", N_("Something went wrong; nothing was saved.")), translate
        )
    emitter.publish(outcome.events)
    return {"ok": True, **outcome.reply}


def failure(error: DomainError, translate: Translate) -> dict[str, Any]:
    return {"ok": False, "error": {"code": error.code, "message": translate(error)}}
