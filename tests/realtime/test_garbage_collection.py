"""A worker's garbage collector is tuned for a heap of thousands of long-lived connections:
young collections on a clock, each short; handling an event leaves it no cycle to find."""

import gc
import json
import subprocess
import sys

import pytest
from werkzeug.exceptions import NotFound

from server.realtime import garbage_collection

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
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    state = json.loads(probe.stdout.strip().splitlines()[-1])
    assert state["thresholds"] == list(garbage_collection.THRESHOLDS)
    assert state["frozen"] > 50_000  # the modules, models and app built at start-up
    assert state["tracked"] < state["frozen"] / 10  # left for collections to scan


@pytest.fixture
def collector_paused():
    """The process's collector, started afresh and left to the test's own calls."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_a_young_collection_is_made_once_a_thousand_new_objects_wait(collector_paused):
    """CPython's count of the young generation, allocations less deallocations of any
    generation, let a soak's young generation reach 200,000 objects (90–150 ms)."""
    assert garbage_collection.collect_young() is None  # an idle worker is not stopped

    held = [[] for _ in range(garbage_collection.IDLE)]
    collected = garbage_collection.collect_young()

    assert collected == 0
    assert gc.get_count()[0] < garbage_collection.IDLE
    assert len(held) == garbage_collection.IDLE


def test_the_middle_generation_is_collected_after_as_many_young_collections_as_cpython_says(
    collector_paused,
):
    for _ in range(gc.get_threshold()[1]):
        gc.collect(0)
    held = [[] for _ in range(garbage_collection.IDLE)]

    collected = garbage_collection.collect_young()

    assert collected == 1
    assert gc.get_count()[1] == 0
    assert held


def test_the_worker_collects_its_young_generation_every_second(collector_paused):
    slept, counts = [], []

    def sleep(seconds):
        slept.append(seconds)
        counts.append(gc.get_count()[0])
        if len(slept) == 2:
            raise StopIteration
        held.extend([] for _ in range(garbage_collection.IDLE))

    held: list[list[int]] = []
    with pytest.raises(StopIteration):
        garbage_collection.run(sleep)

    assert slept == [garbage_collection.YOUNG_EVERY_SECONDS] * 2
    assert counts[1] < garbage_collection.IDLE  # collected between the two


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
