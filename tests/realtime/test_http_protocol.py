"""Under eventlet a connection is freed as soon as it ends, not by the garbage collector
(server/realtime/http_protocol.py): a WebSocket lives long enough to reach an old
generation, which the tuned collector seldom scans, and its garbage stayed there."""

from tests.realtime.test_socket_waits import run_probe

# `serve` under eventlet, as `python -m server` runs it. With the collector off, twenty
# attendees connect a WebSocket and leave, and twenty requests come and go; then one
# collection saving what it finds says which of their connections only it could free.
CONNECTIONS_PROBE = """
import eventlet
eventlet.monkey_patch()
import gc
import json
import socket
import time
import urllib.request
import websocket
from eventlet.wsgi import HttpProtocol
from server.app import create_app
from server.config import Config
from server.realtime.serving import serve

with socket.create_server(("127.0.0.1", 0)) as free:
    port = free.getsockname()[1]
app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="eventlet"))
eventlet.spawn(serve, app, "127.0.0.1", port, "eventlet")
hub = eventlet.hubs.get_hub()
reading = lambda: len(hub.listeners[hub.READ])

def until(condition):
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        eventlet.sleep(0.01)

until(lambda: reading() > 0)  # the server listens
idle = reading()

def attend():
    client = websocket.create_connection(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
        origin="http://127.0.0.1:5000",
    )
    client.recv()  # Engine.IO's open
    client.send("40")
    client.recv()  # Socket.IO's connect
    client.close()

def request():
    urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/baraza.css").read()

attend(); request()  # what the first of each builds once
until(lambda: reading() == idle)
gc.collect()
gc.disable()
for _ in range(20):
    attend()
    request()
until(lambda: reading() == idle)
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
left = [each for each in gc.garbage if isinstance(each, HttpProtocol)]
print(json.dumps({"connections_left_to_the_collector": len(left), "open": reading() - idle}))
"""


def test_an_ended_connection_is_freed_without_the_garbage_collector():
    """Each request's environ held its protocol (eventlet's `set_idle`): 40 connections
    of 40 were left to the collector, with their sockets, buffers and headers."""
    result = run_probe(CONNECTIONS_PROBE)

    assert result["open"] == 0
    assert result["connections_left_to_the_collector"] == 0
