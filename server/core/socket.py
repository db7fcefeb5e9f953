"""Socket.IO: connections, commands and the one place that emits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask
import flask_socketio

from server import metrics

# Attendees send a few kilobytes at most; the library default is a megabyte.
MAX_MESSAGE_BYTES = 16 * 1024

# What the server runs when a connection opens or closes, never what a client sends.
LIFECYCLE_EVENTS = frozenset({"connect", "disconnect"})

ClientEventHandler = Callable[..., Any]


class SocketIO(flask_socketio.SocketIO):  # type: ignore[misc]
    """Flask-SocketIO, where a client's event named like a lifecycle event is just an event.

    python-socketio looks a client event's handler up by its name alone, so an event
    named `disconnect` sent by a client would run the server's disconnect handler
    (the person would drop out of presence while still acting). Such an event goes
    to the handler of every client event instead, like any other unknown name.
    """

    def __init__(self) -> None:
        super().__init__()
        self.client_event_handler: ClientEventHandler | None = None

    def init_app(self, app: Any, **kwargs: Any) -> None:
        """Flask-SocketIO's, then count every message its Engine.IO server sends."""
        super().init_app(app, **kwargs)
        metrics.count_sent_messages(self.server.eio)

    def on_client_event(self, handler: ClientEventHandler) -> ClientEventHandler:
        """Register `handler(name, *args)` for every event a client sends."""
        self.client_event_handler = handler
        registered: ClientEventHandler = self.on("*")(handler)
        return registered

    def _handle_event(
        self, handler: ClientEventHandler, message: str, namespace: str, sid: str, *args: Any
    ) -> Any:
        # While a connection opens or closes the library does not count it as connected;
        # a lifecycle name arriving on a connected socket came from the client.
        if message in LIFECYCLE_EVENTS and self.server.manager.is_connected(sid, namespace):
            if self.client_event_handler is None:
                return None
            handler, args = self.client_event_handler, (message, *args)
            message = "*"
        if message not in LIFECYCLE_EVENTS:
            # A connection's events run one after the other on the green thread reading
            # it (async_handlers=False, app.py); when a flood is already buffered, reading
            # does not yield, so yield here: other connections get their turn between two.
            self.sleep(0)
        return super()._handle_event(
            _without_routing_error(handler), message, namespace, sid, *args
        )


def _without_routing_error(handler: ClientEventHandler) -> ClientEventHandler:
    """`handler`, run after dropping the request context's routing error.

    Flask-SocketIO runs every handler in a request context made from the connection's
    handshake, whose URL (/socket.io/) no Flask route matches: Flask raises NotFound and
    keeps it on the request, and its traceback holds the frame that holds the request.
    That cycle (frames, tracebacks, their locals) made most of the garbage a worker's
    young collections had to find, one per Socket.IO event; dropped here, it is freed
    at once by reference counting."""

    def run(*args: Any) -> Any:
        flask.request.routing_exception = None
        return handler(*args)

    return run


socketio = SocketIO()
