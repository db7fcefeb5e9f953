"""Client commands: one registry, one way to parse, authorise, run and acknowledge.

The registry is the application's: `core.wiring.commands` (core/wiring.py). Every
command handler is `handler(core, viewer, payload) -> Outcome` (the one
result type, core/unit_of_work.py). The wrapper turns a payload that is not an
object, a DomainError or any surprise into `{"ok": false, "error": {"code",
"message"}}`; for a committed command it sends the notices, marks the tallies
and publishes the events — only then, so a rolled-back write announces nothing
— and acknowledges `{"ok": true, ...}`.

Two things every command gets for free: a `command_id` in the payload makes a
retry take effect once (core/receipts.py), and a Socket.IO connection
sending faster than its `RateLimit` is refused with `rate_limited` before
anything is read or written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from server import metrics

from . import acknowledgements, emitter, inflight, logs, receipts
from .access import Viewer
from .errors import N_, DomainError
from .runtime import Core
from .unit_of_work import Outcome

log = logging.getLogger(__name__)


Handler = Callable[[Core, Viewer, dict[str, Any]], Outcome]


def calling(service: Callable[..., Outcome], *keys: str, **fixed: Any) -> Handler:
    """The command handler calling `service(core, viewer, *values, **fixed)`, the values
    being the payload's `keys` in order (a missing one is None)."""

    def handle(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
        return service(core, viewer, *(data.get(key) for key in keys), **fixed)

    return handle


class RateLimit:
    """A token bucket kept with one connection: `burst` commands at once, then `rate`/s."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            now = self._clock()
            self.tokens = min(self.burst, self.tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


def check_rate(limit: RateLimit | None) -> None:
    """Refuse a message over its connection's rate, before anything is read or written."""
    if limit is not None and not limit.allow():
        raise DomainError("rate_limited", N_("Too many commands at once; wait a moment."))


def payload_object(payload: Any) -> dict[str, Any]:
    """A message's payload, which must be an object: `null` or none at all is refused too."""
    if not isinstance(payload, dict):
        raise DomainError("invalid_payload", N_("A command's payload is an object."))
    return payload


Translate = Callable[[DomainError], str]


@logs.logged
@inflight.counted
def run(
    core: Core,
    viewer: Viewer | None,
    name: str,
    payload: Any,
    translate: Translate,
    limit: RateLimit | None = None,
) -> dict[str, Any]:
    """Run command `name` for `viewer` and return its acknowledgement (counted, timed)."""
    started = time.perf_counter()
    reply = _acknowledge(core, viewer, name, payload, translate, limit)
    known = name in core.wiring.commands
    metrics.command_answered(name, known, reply, time.perf_counter() - started)
    return reply


def _timed(
    handler: Handler, name: str, core: Core, viewer: Viewer, payload: dict[str, Any]
) -> Outcome:
    started = time.perf_counter()
    try:
        return handler(core, viewer, payload)
    finally:
        metrics.COMMAND_SECONDS.labels(name).observe(time.perf_counter() - started)


def _acknowledge(
    core: Core,
    viewer: Viewer | None,
    name: str,
    payload: Any,
    translate: Translate,
    limit: RateLimit | None,
) -> dict[str, Any]:
    claim = None
    try:
        check_rate(limit)
        handler = core.wiring.commands.get(name)
        if handler is None:
            raise DomainError("unknown_command", N_("There is no such command."))
        if viewer is None:
            raise DomainError("not_authenticated", N_("Join the consultation first."))
        payload = dict(payload_object(payload))
        command_id = receipts.parse_command_id(payload.pop("command_id", None))
        if command_id is None:
            outcome = _timed(handler, name, core, viewer, payload)
        else:
            claim = receipts.Claim(viewer.participant_id, name, command_id, core.now())
            try:
                outcome = _timed(handler, name, core.taking(claim), viewer, payload)
            except receipts.Repeated:
                return receipts.earlier_reply(core, claim)
    except DomainError as error:
        return failure(error, translate)
    except Exception:
        log.exception("command %s failed", name)
        return failure(
            DomainError("internal_error", N_("Something went wrong; nothing was saved.")), translate
        )
    reply = outcome.acknowledgement()
    send(core, outcome)
    if claim is not None and not claim.sealed:
        acknowledgements.keep(core, claim, reply)
    return reply


def send(core: Core, outcome: Outcome) -> None:
    """Send what a committed command did: notices, then tallies to push, then its events."""
    for notice in outcome.notices:
        emitter.notify(notice.participant_id, notice.kind, notice.data)
    for recount in outcome.recounts:
        core.tallies.mark(recount.consultation_id, recount.topic, recount.key)
    emitter.publish(core, outcome.events)


def failure(error: DomainError, translate: Translate) -> dict[str, Any]:
    return {"ok": False, "error": {"code": error.code, "message": translate(error)}}
