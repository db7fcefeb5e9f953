"""The WSGI servers underneath, sized for thousands of WebSockets, and a worker's tasks.

Every limit below was found by the load benchmark (docs/performance.md): each
WebSocket holds one request, one green thread and one file descriptor for its
whole life, and each default stopped attendees silently, well short of 2,000.
"""

from __future__ import annotations

import logging
import resource
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from server.core import tallies
from server.core.socket import socketio

from . import cluster, garbage_collection
from .connection import WORKER, sweep_revoked
from .ticker import run_ticker

log = logging.getLogger(__name__)

# eventlet's WSGI server serves 1,024 requests at once by default (`max_size`);
# the 1,025th attendee's WebSocket waits in the listen queue and hears nothing.
MAX_CONCURRENT_REQUESTS = 20_000

# Connections the kernel completes before the server accepts them. eventlet.listen
# asks for 50 and gevent for 128: a crowd joining at once overflows that, and a
# dropped SYN is retried only a second later. Linux caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4_096


def raise_open_files_limit() -> int:
    """Lift this process's open-files limit to the hard limit; return the new limit.

    Every connection is a file descriptor, and many systems start processes at a
    soft limit of 1,024: past it `accept()` fails and attendees are turned away.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft >= hard:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        log.warning("could not raise the open-files limit above %s", soft)
        return soft
    return hard


def without_websocket_compression(wsgi_app: WSGIApplication) -> WSGIApplication:
    """Decline permessage-deflate, which browsers offer on every WebSocket.

    eventlet's and simple-websocket's servers accept it, and then keep a zlib
    compressor per connection (about 100 KB each) and compress every broadcast
    once per recipient. Node's socket.io turns it off by default for that reason.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app


class _SocketInput:
    """The socket in eventlet's format (`environ["eventlet.input"].get_socket()`)."""

    def __init__(self, socket: object) -> None:
        self.socket = socket

    def get_socket(self) -> object:
        return self.socket


def with_eventlet_input(wsgi_app: WSGIApplication) -> WSGIApplication:
    """Hand on gunicorn's socket as eventlet's, before Engine.IO's middleware does.

    Under gunicorn, Engine.IO's middleware defines a class for every request to do
    the same, and a class is a cycle: a dozen objects and some kilobytes each,
    which only the garbage collector frees, and a WebSocket request's outlives the
    young generation (docs/performance.md, step 68). For eventlet only: the other
    modes' WebSocket (simple-websocket) tells gunicorn by the key this takes away.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if "gunicorn.socket" in environ:
            environ["eventlet.input"] = _SocketInput(environ.pop("gunicorn.socket"))
        return wsgi_app(environ, start_response)

    return app


def size_for_crowds(app: Flask) -> None:
    """Settings of a worker serving thousands of WebSockets, for every entry point
    (and for the benchmark's bare relay: the async mode is the app's own Socket.IO's)."""
    limit = raise_open_files_limit()
    log.info("open-files limit %s, listen backlog %s", limit, LISTEN_BACKLOG)
    app.wsgi_app = garbage_collection.tune(app.wsgi_app)  # type: ignore[method-assign,assignment]
    app.wsgi_app = without_websocket_compression(app.wsgi_app)  # type: ignore[method-assign,assignment]
    if app.extensions["socketio"].async_mode == "eventlet":
        app.wsgi_app = with_eventlet_input(app.wsgi_app)  # type: ignore[method-assign,assignment]


def serve(app: Flask, host: str, port: int, async_mode: str) -> None:
    """Listen on `host:port` and serve `app` until the process is stopped."""
    if async_mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        from .http_protocol import FreedOnFinish

        listener = eventlet.listen((host, port), backlog=LISTEN_BACKLOG)
        eventlet.wsgi.server(
            listener,
            app,
            max_size=MAX_CONCURRENT_REQUESTS,
            log_output=False,
            debug=False,
            protocol=FreedOnFinish,
        )
    elif async_mode == "gevent":
        from gevent import pywsgi

        # gevent's server spawns a greenlet per request without a cap.
        pywsgi.WSGIServer((host, port), app, backlog=LISTEN_BACKLOG, log=None).serve_forever()
    else:  # Werkzeug's threaded server: for tests and debugging only
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)


def start_background_tasks(app: Flask) -> None:
    """Forget this worker's stale connections; start the agenda clock, the tallies, the
    sweep of revoked links' connections, the event loop's beat (/healthz) and the
    collections of a quiet worker."""
    from server.features.presence import service as presence

    core = app.extensions["baraza"]
    presence.forget_worker(core, WORKER)
    socketio.start_background_task(run_ticker, core)
    socketio.start_background_task(app.extensions["baraza_loop"].run)
    socketio.start_background_task(sweep_revoked, core)
    socketio.start_background_task(tallies.run_flusher, core)
    quiet = garbage_collection.QuietCollections(garbage_collection.activity)
    socketio.start_background_task(quiet.run, socketio.sleep)
    cluster.start_background_tasks(app)
