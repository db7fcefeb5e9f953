"""A worker's garbage collector is tuned for a heap of thousands of long-lived connections,
and handling an event leaves it no cycle to find."""

import gc

from werkzeug.exceptions import NotFound

from tests.realtime.test_socket_waits import run_probe

PROBE = """
import gc, json
from server.app import create_app
from server.config import Config
from server.realtime.serving import size_for_crowds
app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="threading"))
size_for_crowds(app)
print(json.dumps({"thresholds": gc.get_threshold(), "frozen": gc.get_freeze_count(),
                  "tracked": len(gc.get_objects())}))
"""


def test_a_sized_worker_collects_rarely_and_never_rescans_what_start_up_built():
    """Default thresholds stopped every green thread for 300–400 ms, 27 times a run."""
    state = run_probe(PROBE)
    assert state["thresholds"] == [50_000, 100, 10]
    assert state["frozen"] > 50_000  # the modules, models and app built at start-up
    assert state["tracked"] < state["frozen"] / 10  # left for collections to scan


YOUNG_PROBE = """
import gc, json
from werkzeug.test import EnvironBuilder
from server.app import create_app
from server.config import Config
from server.realtime.serving import size_for_crowds
app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="threading"))
size_for_crowds(app)
collected = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collected.append(info["generation"]))

HANDSHAKES = {  # a connection's first request, without the sid it is handed
    "websocket": ("EIO=4&transport=websocket", {"Upgrade": "websocket"}),
    "long-polling": ("EIO=4&transport=polling&t=PqX1", {}),
}
LATER = {  # the same connections' further requests, and a page's
    "a poll": ("EIO=4&transport=polling&t=PqX2&sid=Tq3", {}),
    "an upgrade": ("EIO=4&transport=websocket&sid=Tq3", {"Upgrade": "websocket"}),
    "a page": ("", {}),
}

def request(query, headers):
    environ = EnvironBuilder(path="/healthz", query_string=query, headers=headers).get_environ()
    b"".join(app.wsgi_app(environ, lambda status, headers, exc_info=None: None))

def opened(count, kinds=("websocket", "long-polling")):
    for each in range(count):
        request(*HANDSHAKES[kinds[each % len(kinds)]])
    return list(collected)

counts = {}
counts["after_299"] = opened(299)
counts["after_300"] = opened(1)
for _ in range(400):
    for later in LATER.values():
        request(*later)
counts["after_1200_later_requests"] = list(collected)
gc.collect(0)  # any collection starts the count again
counts["after_299_long_polling"] = opened(299, kinds=["long-polling"])
counts["after_300_long_polling"] = opened(1, kinds=["long-polling"])
print(json.dumps(counts))
"""


def test_a_sized_worker_collects_the_young_generation_every_300_connections_opened():
    """An attendee who drops and comes back frees an old connection's objects as the new
    one's are made: CPython's count stands still while the young generation grows, and
    the next burst's collection scanned 140,000–200,000 objects at once. Attendees whose
    network lets no WebSocket through open theirs on long-polling, and count alike."""
    counts = run_probe(YOUNG_PROBE)

    assert counts["after_299"] == []
    assert counts["after_300"] == [0]
    assert counts["after_1200_later_requests"] == [0]  # a connection is counted once
    assert counts["after_299_long_polling"] == [0, 0]  # the probe's own collection, none since
    assert counts["after_300_long_polling"] == [0, 0, 0]


def test_socket_events_leave_no_routing_error_in_a_reference_cycle(socket_client, app_consultation):
    """Flask-SocketIO handles each event in a request context of the handshake's URL, which
    no route matches; the NotFound Flask kept for it, with its traceback's frames, was a
    cycle per event: most of what a worker's young collections found (server/core/socket.py)."""
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token)
    seq = client.emit("sync", {}, callback=True)["snapshot"]["seq"]
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage to look at
    try:
        for _ in range(20):
            assert client.emit("sync", {"since": seq}, callback=True)["ok"] is True
        gc.collect()
        cycles = [found for found in gc.garbage if isinstance(found, NotFound)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()

    assert cycles == []


GUNICORN_PROBE = """
import eventlet
eventlet.monkey_patch()
import gc, json, socket
from werkzeug.test import EnvironBuilder
from server.app import create_app
from server.config import Config
from server.realtime.serving import size_for_crowds
app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="eventlet"))
size_for_crowds(app)
sock = socket.socket()

def request():
    environ = EnvironBuilder(path="/static/css/baraza.css").get_environ()
    environ["gunicorn.socket"] = sock  # as gunicorn's workers hand it on
    b"".join(app.wsgi_app(environ, lambda status, headers: None))
    return environ

request()
gc.collect()
gc.disable()
environs = [request() for _ in range(20)]
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
print(json.dumps({
    "classes_left_to_the_collector": sum(isinstance(each, type) for each in gc.garbage),
    "eventlet_input_is_the_socket": all(
        each.get("eventlet.input") and each["eventlet.input"].get_socket() is sock
        for each in environs
    ),
}))
"""


def test_under_gunicorn_and_eventlet_a_request_leaves_no_class_to_the_collector():
    """Engine.IO's middleware defined a class per request to hand gunicorn's socket on as
    eventlet's, and a class is a cycle: 20 of 20 requests left one behind."""
    result = run_probe(GUNICORN_PROBE)

    assert result == {"classes_left_to_the_collector": 0, "eventlet_input_is_the_socket": True}


QUIET_PROBE = """
import gc, json
from server.realtime.garbage_collection import QuietCollections
now, moved, full = [0.0], [0], []
gc.callbacks.append(lambda phase, info: phase == "stop" and info["generation"] == 2
                    and full.append(now[0]))
quiet = QuietCollections(lambda: moved[0], clock=lambda: now[0], quiet_seconds=60)

def at(seconds):
    now[0] = seconds
    quiet.look()
    return list(full)

gc.collect()
full.clear()
steps = {"quiet_with_nothing_young_since": at(90)}
gc.collect(0)  # a young collection: its survivors wait in the middle generation
moved[0] += 1  # a connection opened, a message sent
steps["busy"] = at(100)
steps["quiet_for_59_seconds"] = at(159)
steps["quiet_for_60_seconds"] = at(160)
steps["still_quiet_with_nothing_new"] = at(300)
gc.collect(0)
steps["a_young_collection_while_quiet"] = at(305)
print(json.dumps(steps))
"""


def test_a_worker_quiet_for_a_minute_collects_every_generation_once_something_is_new():
    """The middle generation, due after 100 young collections (about 30,000
    connections), is collected at the next collection that starts on its own, in a
    burst of allocations (a rush, a vote), and scans every connection alive; a worker
    that has opened no connection and sent no message for a minute collects it first,
    and the count starts again."""
    steps = run_probe(QUIET_PROBE)

    assert steps == {
        "quiet_with_nothing_young_since": [],
        "busy": [],
        "quiet_for_59_seconds": [],
        "quiet_for_60_seconds": [160],
        "still_quiet_with_nothing_new": [160],
        "a_young_collection_while_quiet": [160, 305],
    }


ACTIVITY_PROBE = """
import json
from engineio import packet
from werkzeug.test import EnvironBuilder
from server import metrics
from server.app import create_app
from server.config import Config
from server.realtime.garbage_collection import activity
from server.realtime.serving import size_for_crowds
app = create_app(Config(database_url="sqlite://", secret_key="probe", async_mode="threading"))
size_for_crowds(app)

def request(query):
    environ = EnvironBuilder(path="/healthz", query_string=query).get_environ()
    b"".join(app.wsgi_app(environ, lambda status, headers, exc_info=None: None))
    return activity()

seen = {"at_start": activity()}
seen["after_a_page"] = request("")
seen["after_a_poll_of_an_open_connection"] = request("EIO=4&transport=polling&sid=Tq3")
seen["after_a_handshake"] = request("EIO=4&transport=polling&t=PqX1")
metrics.SENT.count(packet.Packet(packet.MESSAGE, data="2[\\"events\\",[]]"))
seen["after_a_message_sent"] = activity()
print(json.dumps(seen))
"""


def test_what_keeps_a_worker_busy_is_a_connection_opened_or_a_message_sent():
    seen = run_probe(ACTIVITY_PROBE)
    start = seen["at_start"]

    assert seen == {
        "at_start": start,
        "after_a_page": start,
        "after_a_poll_of_an_open_connection": start,
        "after_a_handshake": start + 1,
        "after_a_message_sent": start + 2,
    }
