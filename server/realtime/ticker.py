"""The server's clock: a background task that logs overruns (and notes left unlogged)."""

from __future__ import annotations

import logging

from ..services import agenda, notes
from ..services.core import Core
from . import emitter, socketio

log = logging.getLogger(__name__)

TICK_SECONDS = 2.0


def run_ticker(core: Core) -> None:
    """Forever: every few seconds, log items that have just run out of time."""
    while True:
        socketio.sleep(TICK_SECONDS)
        try:
            emitter.publish(agenda.record_overruns(core))
            emitter.publish(notes.log_pending(core))
        except Exception:  # the clock must outlive a failed tick (a database blip, say)
            log.exception("agenda tick failed")
