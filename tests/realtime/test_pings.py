"""Engine.IO's pings: each socket is pinged one interval after its last pong, by one
sender for the whole worker instead of a green thread per ping (server/core/pings.py)."""

from engineio import packet
from engineio.socket import Socket

from server.core.pings import IDLE_SECONDS, Pings
from server.core.socket import socketio
from tests.realtime.test_socket_waits import run_probe


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def sent(socket: Socket) -> list[int | None]:
    """The types of the packets queued for the socket's writer (None: the end)."""
    queued = []
    while not socket.queue.empty():
        queued.append(socket.queue.get())
    return [None if each is None else each.packet_type for each in queued]


def a_socket(sid: str) -> Socket:
    """A socket of the application's own Engine.IO server."""
    return Socket(socketio.server.eio, sid)


def test_a_socket_is_pinged_one_interval_after_its_pong_and_not_before(app):
    seconds = Seconds()
    pings = Pings(20, seconds)
    socket = a_socket("amina")
    socket.last_ping = None  # as Engine.IO leaves it when a pong comes
    pings.schedule(socket)

    seconds.now += 19.5
    assert pings.send_due() == 0.5
    assert sent(socket) == []

    seconds.now += 0.5
    pings.send_due()
    assert sent(socket) == [packet.PING]
    assert socket.last_ping is not None  # Engine.IO's monitor times the pong from it


def test_sockets_are_pinged_in_the_order_their_pongs_came(app):
    seconds = Seconds()
    pings = Pings(20, seconds)
    first, second = a_socket("first"), a_socket("second")
    pings.schedule(first)
    seconds.now += 5
    pings.schedule(second)

    seconds.now += 15
    assert pings.send_due() == 5  # until the second one's ping
    assert (sent(first), sent(second)) == ([packet.PING], [])

    seconds.now += 5
    assert pings.send_due() == IDLE_SECONDS  # nobody waits: look again soon
    assert sent(second) == [packet.PING]


def test_a_socket_closed_while_it_waited_is_not_pinged(app):
    seconds = Seconds()
    pings = Pings(20, seconds)
    closed, open_ = a_socket("closed"), a_socket("open")
    pings.schedule(closed)
    pings.schedule(open_)
    closed.close(wait=False, abort=True)
    assert sent(closed) == [None]  # the writer's end

    seconds.now += 20
    pings.send_due()

    assert (sent(closed), sent(open_)) == ([], [packet.PING])


def test_a_socket_whose_ping_fails_does_not_stop_the_others(app):
    seconds = Seconds()
    pings = Pings(20, seconds)
    failing, fine = a_socket("failing"), a_socket("fine")
    failing.queue = None  # its send raises
    pings.schedule(failing)
    pings.schedule(fine)

    seconds.now += 20
    pings.send_due()

    assert sent(fine) == [packet.PING]
    assert not pings.waiting


# Under eventlet, as a worker runs: twenty sockets of the application's own Engine.IO
# server answer a ping, as Engine.IO handles each pong (`schedule_ping`).
PONGS_PROBE = """
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
timers_before = hub.get_timers_count()
for socket in sockets:
    socket.schedule_ping()
timers = hub.get_timers_count() - timers_before
eventlet.sleep(0)  # the sender starts, finds nothing due, and sleeps
waiting = len(socketio.pings.waiting)
socketio.pings.clock = lambda: float("inf")
socketio.pings.send_due()
pinged = sum(socket.queue.get(block=False).packet_type == 2 for socket in sockets)
print(json.dumps({"timers": timers, "waiting": waiting, "pinged": pinged}))
"""


def test_a_worker_pings_its_sockets_from_one_green_thread():
    """Engine.IO started a green thread per ping, which slept out the interval: twenty
    pongs scheduled twenty hub timers, and twenty green threads lived 20 seconds."""
    result = run_probe(PONGS_PROBE)

    assert result["timers"] == 1  # the sender's start, once
    assert result["waiting"] == 20
    assert result["pinged"] == 20
