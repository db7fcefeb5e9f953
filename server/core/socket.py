"""Socket.IO: connections, commands and the one place that emits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import flask
import flask_socketio
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from socketio.packet import Packet

from server import metrics

from .pings import Pings, ping_from_one_thread
from .websocket_reads import read_without_timers

# Attendees send a few kilobytes at most; the library default is a megabyte.
MAX_MESSAGE_BYTES = 16 * 1024

# What the server runs when a connection opens or closes, never what a client sends.
LIFECYCLE_EVENTS = frozenset({"connect", "disconnect"})

ClientEventHandler = Callable[..., Any]

Argument = TypeVar("Argument")
Result = TypeVar("Result")

# Where Socket.IO's middleware answers, before any Flask route (Flask-SocketIO's default).
SOCKETIO_PATH = "/socket.io"


class JsonPacket(Packet):  # type: ignore[misc]
    """A Socket.IO packet whose data is JSON only, as everything Baraza sends is.

    python-socketio's packet looks through all of a message's data for bytes to send
    as binary attachments, on every acknowledgement and every emit: for a snapshot of
    50 questions 0.30 ms, twice the time its JSON takes (docs/performance.md, step 45).
    A client's binary message is still read; its bytes are refused as any bad payload.
    """

    uses_binary_events = False


def is_socketio(request: flask.Request) -> bool:
    """Whether a request (a context) is Socket.IO's: no HTTP request there reaches Flask."""
    return bool(request.environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH))


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, not opened for a Socket.IO event.

    Flask-SocketIO gives each connection a session of its own (`flask.session` in a
    handler), copied from the cookie's when the connection opens, and no handler
    reads what the cookie holds (the CSRF token is the forms'). Opening it still
    verified the cookie's signature and decoded it on every event: 48 of a context's
    57 µs where the browser holds one (docs/performance.md, step 31).
    """

    def open_session(self, app: flask.Flask, request: flask.Request) -> SecureCookieSession | None:
        if is_socketio(request):
            return self.session_class()
        return super().open_session(app, request)


class Flask(flask.Flask):
    """Flask, where the request context of a Socket.IO event is not routed, and its
    cookie session not opened (`CookieSessions`).

    Flask-SocketIO handles every event in a request context made from the connection's
    handshake. Flask would bind it to the URL map and match its URL, which no route
    serves, and keep the `NotFound` raised on the request, its traceback holding the
    frames that held the request: a reference cycle per event for the collector, and
    13 of the context's 34 µs. No HTTP request under the path reaches Flask (Socket.IO's
    middleware answers them all), so a request context there gets no URL adapter:
    nothing to match, nothing raised.
    """

    session_interface = CookieSessions()

    def create_url_adapter(self, request: flask.Request | None) -> Any:
        if request is not None and is_socketio(request):
            return None
        return super().create_url_adapter(request)


def wait_without_timers(engineio_server: Any) -> None:
    """Engine.IO's sockets wait for their next packet without a timer.

    A socket's writer waits for each packet with `get(timeout=ping_interval +
    ping_timeout)`. Under eventlet and gevent every timed wait arms a timer on the
    hub and cancels it when the packet comes, a few microseconds and five objects for
    the collector per message sent, the timer kept in the hub's heap until it is
    compacted (docs/performance.md, step 33). The timeout ends no wait that would not
    end anyway: a live connection is sent a ping every `ping_interval`, and closing a
    socket, whoever closes it (its client, the server, or Engine.IO's monitor of
    clients that stopped answering pings), puts the `None` that ends the wait.

    Under eventlet the sockets get a queue of Baraza's own (`packet_queue.py`): its
    writer waits with no objects made for the wait, and a fan-out's sockets are woken
    by one hub callback, not one timer each (step 51). The other modes keep their
    library's queue, its timeout dropped.
    """
    if engineio_server.async_mode == "eventlet":
        from .packet_queue import PacketQueue  # eventlet is imported only where it runs

        engineio_server.create_queue = PacketQueue
        return
    timed: type[Any] = type(engineio_server.create_queue())

    class Untimed(timed):  # type: ignore[misc]
        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            return super().get(block)

    engineio_server.create_queue = Untimed


class ClientEvent:
    """The connection a client's command came on, as its handler sees it: no request context.

    Flask-SocketIO runs every event in a request context made from the connection's
    handshake: an application context, a request, a session swapped in, about a dozen
    objects and 11 µs, which the commands waiting for their batch in a burst hold
    through a young collection (docs/performance.md, step 40). A command needs none of
    it (the core is free of the web): only its application, the connection's session
    (Flask-SocketIO's copy, kept in the handshake's environ since the connection's first
    event, `connect`) and, to say an error, the connection's language, for which alone
    a request context is opened (`with_request`).
    """

    __slots__ = ("environ",)

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ

    @property
    def app(self) -> flask.Flask:
        app: flask.Flask = self.environ["flask.app"]
        return app

    @property
    def session(self) -> Mapping[str, Any]:
        session: Mapping[str, Any] = self.environ.get("saved_session", {})
        return session

    def with_request(self, work: Callable[[Argument], Result]) -> Callable[[Argument], Result]:
        """`work`, run in the connection's request context when it is called."""

        def in_request(argument: Argument) -> Result:
            with self.app.request_context(self.environ):
                return work(argument)

        return in_request


class SocketIO(flask_socketio.SocketIO):  # type: ignore[misc]
    """Flask-SocketIO, where a client's event named like a lifecycle event is just an event,
    and a client's command runs without a request context (`ClientEvent`).

    python-socketio looks a client event's handler up by its name alone, so an event
    named `disconnect` sent by a client would run the server's disconnect handler
    (the person would drop out of presence while still acting). Such an event goes
    to the handler of every client event instead, like any other unknown name.
    """

    def __init__(self) -> None:
        super().__init__()
        self.client_event_handler: ClientEventHandler | None = None
        self.pings: Pings | None = None

    def init_app(self, app: Any, **kwargs: Any) -> None:
        """Flask-SocketIO's, then count every message its Engine.IO server sends, let
        its sockets wait for packets to send and for messages to read without timers,
        and ping them all from one thread."""
        super().init_app(app, **kwargs)
        metrics.count_sent_messages(self.server.eio)
        wait_without_timers(self.server.eio)
        read_without_timers(self.server.eio)
        self.pings = ping_from_one_thread(self.server.eio)

    def on_client_event(self, handler: ClientEventHandler) -> ClientEventHandler:
        """Register `handler(event, name, *args)` for every event a client sends, run
        without a request context (`event` is its `ClientEvent`)."""
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
        if message == "*":
            environ = self.server.get_environ(sid, namespace=namespace)
            if not environ:  # a connection the server has no record of: as Flask-SocketIO
                return "", 400
            return handler(ClientEvent(environ), *args)
        return super()._handle_event(handler, message, namespace, sid, *args)


socketio = SocketIO()
