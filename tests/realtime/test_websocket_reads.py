"""Under eventlet a WebSocket's reads wait without a timer, and a read still ends when
its connection does, though the client stays silent (server/core/websocket_reads.py)."""

import socket
from types import SimpleNamespace

from server.core.websocket_reads import UntimedWebSocket
from tests.realtime.test_socket_waits import run_probe

# A worker under eventlet and a client holding one Engine.IO WebSocket to it. The
# client sends UPGRADE packets, each answered with a NOOP: once the answer is back, the
# server has read the packet and waits for the next. Then the server closes the
# connection, and the client neither answers nor closes (a frozen tab, say).
READS_PROBE = """
import eventlet
eventlet.monkey_patch()
import json
import time
import eventlet.wsgi
import websocket
from server.app import create_app
from server.config import Config
from server.core.socket import socketio

app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="eventlet"))
listener = eventlet.listen(("127.0.0.1", 0))
eventlet.spawn(eventlet.wsgi.server, listener, app, log_output=False)
eventlet.sleep(0)  # the server starts accepting
hub = eventlet.hubs.get_hub()
reading = lambda: len(hub.listeners[hub.READ])
idle = reading()

address = f"ws://127.0.0.1:{listener.getsockname()[1]}/socket.io/?EIO=4&transport=websocket"
client = websocket.create_connection(address, origin="http://127.0.0.1:5000")
opened = client.recv()
timers_before = hub.get_timers_count()
answers = []
for _ in range(10):
    client.send("5")
    answers.append(client.recv())
timers = hub.get_timers_count() - timers_before
connected = reading() - idle

sid = next(iter(socketio.server.eio.sockets))
socketio.server.eio.disconnect(sid)
deadline = time.monotonic() + 5
while reading() > idle and time.monotonic() < deadline:
    eventlet.sleep(0.01)
print(json.dumps({
    "opened": opened[0], "answers": answers, "timers": timers,
    "connected": connected, "still_reading": reading() - idle,
}))
"""


def test_reads_arm_no_timer_and_end_when_the_server_closes_a_silent_client():
    """Engine.IO set the socket's timeout: every read armed a hub timer, cancelled when
    the next message came, and a silent client's read waited out the 40 s."""
    result = run_probe(READS_PROBE)

    assert result["opened"] == "0"
    assert result["answers"] == ["6"] * 10
    assert result["timers"] == 0
    assert result["connected"] == 1  # the one read waiting on the connection
    assert result["still_reading"] == 0


def test_a_connection_whose_data_goes_unacknowledged_is_aborted_by_the_kernel():
    """The read's timeout bounded a client whose host is gone; TCP_USER_TIMEOUT does it
    now: data unacknowledged that long and the kernel aborts the connection."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        with client, accepted:
            UntimedWebSocket(SimpleNamespace(socket=accepted), unacknowledged_seconds=40)

            limit = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)

    assert limit == 40_000
