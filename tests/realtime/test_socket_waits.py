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


def run_probe(script: str = PROBE) -> dict[str, object]:
    probe = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
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


# A fan-out under eventlet: twenty sockets' writers waiting, a packet put to each.
FAN_OUT_PROBE = """
import eventlet
eventlet.monkey_patch()
import json
from engineio.socket import Socket
from server.app import create_app
from server.config import Config
from server.core.socket import socketio

create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="eventlet"))
hub = eventlet.hubs.get_hub()
sockets = [Socket(socketio.server.eio, f"probe-{n}") for n in range(20)]
writers = [eventlet.spawn(socket.poll) for socket in sockets]
eventlet.sleep(0)
timers_before = hub.get_timers_count()
for socket in sockets:
    socket.queue.put("a packet")
timers = hub.get_timers_count() - timers_before
received = [writer.wait() for writer in writers]

# Two waiting on one socket (a long poll and the WebSocket's writer, as a connection
# upgrades), then a socket closed while packets wait: closing waits for them to go.
socket = sockets[0]
first, second = eventlet.spawn(socket.poll), eventlet.spawn(socket.poll)
eventlet.sleep(0)
socket.queue.put("for the first")
eventlet.sleep(0)
socket.queue.put("for the second")
both = [first.wait(), second.wait()]
taken = []

def writer():
    while packets := socket.poll():
        taken.extend(packets)

eventlet.spawn(writer)
eventlet.sleep(0)
socket.queue.put("one")
socket.queue.put("two")
socket.close(wait=True, abort=True)
print(json.dumps({"timers": timers, "received": received, "both": both, "closed_after": taken}))
"""


def test_a_fan_out_wakes_every_waiting_writer_at_once_and_closing_waits_for_the_packets():
    """eventlet's queue scheduled one hub timer per socket given a packet, with a
    waiter and a timeout for each wait (server/core/packet_queue.py)."""
    result = run_probe(FAN_OUT_PROBE)

    assert result["timers"] == 1  # one wake-up for the twenty sockets
    assert result["received"] == [["a packet"]] * 20
    assert result["both"] == [["for the first"], ["for the second"]]
    assert result["closed_after"] == ["one", "two"]
