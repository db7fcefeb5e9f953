"""Under eventlet, a WebSocket's reads wait for the client's next message without a timer.

Engine.IO gives each WebSocket's socket a timeout (the ping interval and the ping
timeout, 40 s), so that a read from a client gone silent ends. Under eventlet every
read then arms a hub timer, with a closure, a `TimeoutError` and their arguments, and
cancels it when the client's next message comes; the cancelled timer stays in the hub
until its time. An idle connection's next message is its pong, 20 s later: those
objects outlive a young collection and die old, some 2,000 of each in every young
collection (docs/performance.md, step 61). Here Engine.IO's handler sees the
WebSocket through `UntimedWebSocket`, whose socket takes no timeout.

A silent client's read still ends, and its connection with it:
- a client that stops answering pings (a frozen tab, say): Engine.IO's monitor closes
  its socket, whose writer then closes the WebSocket; `close` here also shuts the
  socket's reading side, which ends the read at once;
- a client whose host is gone: nothing acknowledges the server's pings, and the kernel
  aborts the connection once data has waited `TCP_USER_TIMEOUT` for an
  acknowledgement, failing the read and any write stuck behind a full buffer.
"""

from __future__ import annotations

import socket
from typing import Any


class UntimedWebSocket:
    """What Engine.IO's WebSocket handler uses of eventlet's WebSocket, whose socket
    keeps no timeout: `wait`, `send`, `close`, and a `socket` to set a timeout on."""

    def __init__(self, websocket: Any, unacknowledged_seconds: float) -> None:
        self._websocket = websocket
        self.socket = _KeptUntimed()
        websocket.socket.setsockopt(
            socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(unacknowledged_seconds * 1000)
        )

    def wait(self) -> Any:
        return self._websocket.wait()

    def send(self, message: Any) -> None:
        self._websocket.send(message)

    def close(self) -> None:
        """Close the WebSocket as eventlet does (a closing frame, then the socket), and
        end the read waiting on it first: eventlet shuts only the writing side."""
        try:
            self._websocket.socket.shutdown(socket.SHUT_RD)
        except OSError:  # already gone
            pass
        self._websocket.close()


class _KeptUntimed:
    """Where Engine.IO sets the socket's timeout: it is not set."""

    def settimeout(self, seconds: float | None) -> None:
        del seconds


def read_without_timers(engineio_server: Any) -> None:
    """Hand Engine.IO's WebSocket handler an `UntimedWebSocket` (eventlet only: the other
    modes keep their library's WebSocket and its timeout)."""
    if engineio_server.async_mode != "eventlet":
        return
    driver = engineio_server._async["websocket"]
    limit = engineio_server.ping_interval + engineio_server.ping_timeout

    class Untimed(driver):  # type: ignore[misc,valid-type]
        def __init__(self, handler: Any, server: Any) -> None:
            super().__init__(lambda websocket: handler(UntimedWebSocket(websocket, limit)), server)

    engineio_server._async = {**engineio_server._async, "websocket": Untimed}
