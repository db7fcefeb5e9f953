"""Settings of the WSGI servers underneath, and the background tasks a worker runs."""

from __future__ import annotations

from flask import Flask

from . import cluster, socketio, tallies
from .connection import WORKER
from .ticker import run_ticker

# eventlet's WSGI server accepts 1,024 requests at once by default, and each
# WebSocket holds one for its lifetime: past that, attendees are silently not served.
MAX_CONCURRENT_REQUESTS = 20_000


def server_options(async_mode: str) -> dict[str, object]:
    if async_mode == "eventlet":
        return {"max_size": MAX_CONCURRENT_REQUESTS, "log_output": False}
    if async_mode == "threading":
        return {"allow_unsafe_werkzeug": True}
    return {"log_output": False}


def start_background_tasks(app: Flask) -> None:
    """Forget this worker's stale connections, start the agenda clock and the tallies."""
    from ..services import presence

    core = app.extensions["baraza"]
    presence.forget_worker(core, WORKER)
    socketio.start_background_task(run_ticker, core)
    socketio.start_background_task(tallies.run_flusher, core, app.config["BARAZA"].tally_interval)
    cluster.start_background_tasks(app)
