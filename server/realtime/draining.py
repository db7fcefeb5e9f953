"""Stopping a worker without losing anything: what SIGTERM (a deploy, a restart) starts.

gunicorn answers SIGTERM by closing the worker's listening socket (nginx then
sends newcomers to the other workers) and waiting, up to its graceful timeout,
for the requests it holds to end; a WebSocket never ends by itself. So the
worker also drains:

1. New commands are refused with `try_again`: no receipt is taken, and the
   client sends them again, with the same command id, once reconnected.
2. The commands already running finish and are acknowledged (a group commit
   waits for its batch), for up to COMMANDS_SECONDS.
3. Each connection is closed at the transport, without Engine.IO's close packet:
   Socket.IO clients (the browser's and python-socketio's) take that for a
   dropped connection and reconnect, where a server "disconnect" would tell
   them to stay away. Through nginx they reach a live worker and catch up from
   their last sequence number (docs/api.md, "Staying in step").
4. The closed connections are forgotten without waiting out their grace
   (core/departures.py): a person already back through another worker is not
   logged leaving, the others are (their arrival on the other worker logs them
   back). The worker's leftover presence rows are dropped, and its heartbeat
   key is deleted, so the others need not wait for it to expire.
   Then the process exits (`drain_and_exit`).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from flask import Flask

from server.core import emitter, inflight
from server.core.runtime import Core
from server.core.socket import socketio
from server.features.presence import service as presence

log = logging.getLogger(__name__)

# How long running commands get to finish, and connections to close: well
# inside gunicorn's graceful timeout (30 s by default). A command still running
# after that is cut by the exit: either it had not committed (its retry, same
# id, runs it on another worker) or it had, and its receipt answers the retry.
COMMANDS_SECONDS = 5.0
CONNECTIONS_SECONDS = 10.0
POLL_SECONDS = 0.05


def wait_until(done: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        socketio.sleep(POLL_SECONDS)
    return True


def close_transport(sid: str, held: dict[str, Any]) -> None:
    """Drop one connection as a network cut would, so that its client reconnects."""
    server = socketio.server
    eio_sid = server.manager.eio_sid_from_sid(sid, "/")
    socket = server.eio.sockets.get(eio_sid) if eio_sid else None
    if socket is None:
        held.pop(sid, None)
    else:
        socket.close(wait=False, abort=True)


def drain(app: Flask) -> None:
    """Finish running commands, hand every connection to the other workers, leave the cluster."""
    # Imported here: connection.py imports commands.py, which imports this module.
    from .connection import WORKER

    core: Core = app.extensions["baraza"]
    inflight.state.stopping = True
    log.info(
        "stopping: %d commands running, %d connections held", inflight.state.running, len(core.held)
    )
    if not wait_until(lambda: inflight.state.running == 0, COMMANDS_SECONDS):
        log.warning("stopping with %d commands still running", inflight.state.running)

    def closed() -> bool:
        # At once, so that their departures share group commits; newcomers accepted
        # before gunicorn closed the listener are closed on the next look.
        for sid in list(core.held):
            if sid not in closing:
                closing.add(sid)
                socketio.start_background_task(close_transport, sid, core.held)
        return not core.held

    closing: set[str] = set()
    if not wait_until(closed, CONNECTIONS_SECONDS):
        log.warning("stopping with %d connections still open", len(core.held))
    # The closed connections held for their grace: nobody here will forget them later.
    emitter.publish(core, presence.leave_held(core))
    presence.forget_worker(core, WORKER)
    membership = app.extensions.get("baraza_cluster")
    if membership is not None:
        membership.client.delete(membership.alive_key(WORKER))
    log.info(
        "drained: %d commands running, %d connections open", inflight.state.running, len(core.held)
    )


def drain_and_exit(app: Flask) -> None:
    """Drain, then end the process.

    Measured: after the drain, gunicorn's eventlet worker still waited out its whole
    graceful timeout (30 s) for request green threads of the closed WebSockets,
    then killed itself. Everything they held is handed over by then, so the worker
    exits at once, its logs flushed and its database connections closed.
    """
    try:
        drain(app)
    except Exception:  # the database or Redis away: the others repair as after a crash
        log.exception("drain failed")
    app.extensions["baraza"].store.dispose()
    logging.shutdown()
    os._exit(0)


def drain_on_sigterm(app: Flask) -> None:
    """On SIGTERM, drain in a green thread and exit; the server's own handler runs too
    (gunicorn's stops accepting connections)."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        socketio.start_background_task(drain_and_exit, app)
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
