"""A worker's sockets wait for their next packet without arming a timer each time, and
every way a socket ends still ends its wait."""

import json
import subprocess
import sys

# Under eventlet, as a worker runs: the application's own Engine.IO server and one of
# its sockets, whose writer waits as Engine.IO's websocket writer does (`poll`).
PROBE = """
import eventlet
eventlet.monkey_patch()
import json
from engineio.socket import Socket
from server.app import create_app
from server.config import Config
from server.core.socket import socketio

create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="eventlet"))
hub = eventlet.hubs.get_hub()
socket = Socket(socketio.server.eio, "probe-sid")
timers_before = hub.get_timers_count()
writer = eventlet.spawn(socket.poll)
eventlet.sleep(0)
timers_while_waiting = hub.get_timers_count() - timers_before
socket.queue.put("a packet")
first = writer.wait()
writer = eventlet.spawn(socket.poll)
eventlet.sleep(0)
socket.close(wait=False, abort=True)
print(json.dumps({"timers": timers_while_waiting, "first": first, "after_close": writer.wait()}))
"""


def run_probe() -> dict[str, object]:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    result: dict[str, object] = json.loads(probe.stdout.strip().splitlines()[-1])
    return result


def test_a_socket_waits_for_its_next_packet_without_a_timer_and_closing_ends_the_wait():
    """Engine.IO waited with a timeout (ping interval + ping timeout): a timer armed and
    cancelled for every message sent (server/core/socket.py, `wait_without_timers`)."""
    waited = run_probe()

    assert waited["timers"] == 0
    assert waited["first"] == ["a packet"]
    assert waited["after_close"] == []  # the writer's loop ends on an empty list
