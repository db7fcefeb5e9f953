"""Logs: JSON lines or text, at a configurable level, and one line per client command.

The standard library, not structlog: every module already logs through
`logging.getLogger(__name__)`, gunicorn and the libraries do too, and one
formatter on the root handler turns all of them into JSON lines without a new
dependency or a second logging API.

A command's line names what organisers and operators know and nothing a person
typed: the consultation's join code, the command's registered name (an unknown
name is `unknown`, since any text can be sent as an event name), a digest of the
client's command id (client-chosen text; the digest still pairs a retry with its
first try), the outcome (`ok` or the error code), the duration and the worker.
Never a display name, a question, an answer, a token or a link.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .models import Consultation

if TYPE_CHECKING:
    from .access import Viewer
    from .runtime import Core

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

command_log = logging.getLogger("server.commands")

# The attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, `extra=` fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(level: str, log_format: str) -> None:
    """Send every logger's records to standard error, as JSON lines or text, from `level` up.

    As `logging.basicConfig`, it leaves a root logger that already has handlers alone
    (a test runner's, an embedding application's).
    """
    handler = logging.StreamHandler()
    json_lines = log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])


_HOST = socket.gethostname()


def consultation_code(core: Core, consultation_id: int) -> str | None:
    """A consultation's join code (it never changes), read once per application."""
    codes = core.join_codes
    if consultation_id not in codes:
        try:
            with core.store.reading() as tx:
                code = tx.scalar(
                    select(Consultation.join_code).where(Consultation.id == consultation_id)
                )
        except Exception:  # the database away: the line goes without the code
            return None
        if code is None:
            return None
        codes[consultation_id] = code
    return codes[consultation_id]


def command_id_digest(payload: Any) -> str | None:
    command_id = payload.get("command_id") if isinstance(payload, dict) else None
    if not isinstance(command_id, str):
        return None
    return hashlib.sha256(command_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


Run = Callable[..., dict[str, Any]]


def logged(run: Run) -> Run:
    """Log one line for every command `run(core, viewer, name, payload, ...)` answers (a name
    not in `core.wiring.commands` is logged as "unknown")."""

    @wraps(run)
    def run_and_log(
        core: Core, viewer: Viewer | None, name: str, payload: Any, *rest: Any
    ) -> dict[str, Any]:
        started = time.monotonic()
        reply = run(core, viewer, name, payload, *rest)
        if command_log.isEnabledFor(logging.INFO):
            shown = name if name in core.wiring.commands else "unknown"
            log_command(core, viewer, shown, payload, reply, started)
        return reply

    return run_and_log


def log_command(
    core: Core,
    viewer: Viewer | None,
    name: str,
    payload: Any,
    reply: dict[str, Any],
    started: float,
) -> None:
    outcome = "ok" if reply.get("ok") else reply["error"]["code"]
    fields = {
        "consultation": viewer and consultation_code(core, viewer.consultation_id),
        "command": name,
        "command_id": command_id_digest(payload),
        "outcome": outcome,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
        "worker": f"{_HOST}:{os.getpid()}",
    }
    command_log.info(
        "command %s %s in %.1f ms (consultation %s)",
        name,
        outcome,
        fields["duration_ms"],
        fields["consultation"],
        extra=fields,
    )
