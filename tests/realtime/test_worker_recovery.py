"""A worker's connections recorded again, or a silent worker's forgotten, one by one.

Each goes through the presence batches one after another, which no other command
could join: they take their batches at once, whatever the gathering window
(core/gathering.py). With the window, 1,000 connections would take 20 s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from server.core.group_commit import GroupCommits
from server.features.presence import service as presence
from server.realtime.cluster import WORKER, forget_connections_of, rejoin

# Batches that gathered would wait this long each: the tests would not end.
AN_HOUR = 3600.0


def finishes(call: Callable[[], object], timeout: float = 60) -> bool:
    """Whether `call` returns within `timeout` seconds (on a thread left behind if not)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive()


def test_a_silent_workers_connections_are_forgotten_without_waiting_to_gather(
    app_core, app_consultation
):
    attendees = [app_consultation.join(display_name=f"Attendee {n}") for n in range(3)]
    for number, viewer in enumerate(attendees):
        presence.arrive(app_core, viewer, f"sid-{number}", "silent-worker")
    gathering = replace(app_core, groups=GroupCommits(AN_HOUR))

    assert finishes(lambda: forget_connections_of(gathering, "silent-worker"))
    assert presence.connections_through(app_core, "silent-worker") == []


def test_a_worker_back_in_the_cluster_records_its_connections_without_waiting_to_gather(
    app_core, app_consultation
):
    attendees = [app_consultation.join(display_name=f"Attendee {n}") for n in range(3)]
    gathering = replace(app_core, groups=GroupCommits(AN_HOUR))
    for number, viewer in enumerate(attendees):
        gathering.held[f"sid-{number}"] = viewer

    assert finishes(lambda: rejoin(gathering))
    assert sorted(presence.connections_through(app_core, WORKER)) == ["sid-0", "sid-1", "sid-2"]
