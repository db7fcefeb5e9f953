"""The server's clock: a background task that logs what time alone changes.

Each tick runs every timed check on its own, so one failing (a database blip,
say) does not skip the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from server.core import emitter
from server.core.events import LoggedEvent
from server.core.runtime import Core
from server.core.socket import socketio
from server.features.agenda import service as agenda
from server.features.consultations import retention
from server.features.integrity import service as integrity
from server.features.notes import service as notes
from server.features.presence import service as presence
from server.features.speakers import service as speakers

log = logging.getLogger(__name__)

TICK_SECONDS = 2.0

CHECKS: tuple[Callable[[Core], list[LoggedEvent]], ...] = (
    agenda.record_overruns,  # an agenda item used up its time
    speakers.record_overruns,  # a speaker used up theirs
    notes.log_pending,  # a rapporteur's note waiting for its once-a-minute log entry
    retention.log_due,  # a consultation whose personal data is due to be erased
    integrity.check_due,  # joins and votes staff should look at (integrity flags)
    presence.leave_due,  # a closed connection whose grace ran out (core/departures.py)
)


def run_ticker(core: Core) -> None:
    """Forever: every few seconds, run each timed check and publish what it logged."""
    while True:
        socketio.sleep(TICK_SECONDS)
        for check in CHECKS:
            try:
                emitter.publish(core, check(core))
            except Exception:  # the clock must outlive a failed check
                log.exception("timed check %s failed", check.__qualname__)
