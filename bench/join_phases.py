"""Where an attendee's join spends the server's CPU, phase by phase, and the snapshot part by part.

`python -m bench.join_phases [--attendees 300]` runs the application in this
process (threading mode, a fresh SQLite file, no join limits) and walks each
attendee through what the attendee page does: the HTTP join, the Socket.IO
connection (presence records the arrival), `sync` for a snapshot, then a
dropped link and a reconnection as the page makes it (`auth.sync` with the last
seq: the catch-up comes with the connection), then `sync` from the last seq on
it (what a client whose `synced` did not come asks: the catch-up), and what
the ticker does once the first connection's presence grace has run out
(`--grace`, PRESENCE_GRACE; with 0 the disconnect forgets it at once). It
prints the CPU time (`time.process_time`) per attendee of each phase, then the
snapshot's queries and CPU per part (`core.wiring.snapshot_parts`), then, as the
log grows to 50,000 events, a snapshot's CPU and a rejoin's: the catch-up it gets
after a vote logged `--ballots` staff-only events while it was away (it got a
snapshot while every logged event counted toward the replay limit).

It measures CPU, not latency, so a busy machine changes it little; the Flask and
Socket.IO test clients' own work is included, the network is not. `python -m
bench` measures the whole server over real sockets; this says where its join
CPU goes (docs/performance.md, "Where a join's CPU goes").
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from server.app import create_app
from server.config import Config
from server.core import event_log
from server.core.access import locked_consultation
from server.core.events import STAFF, EventDraft
from server.core.socket import socketio
from server.features.consultations import service as consultations
from server.features.consultations import snapshots
from server.features.consultations.rules import parse_spec
from server.features.presence import service as presence
from server.storage.migrate import upgrade

SPEC = {
    "short_name": "bench-joins",
    "title": "Joins",
    "time_zone": "Africa/Lagos",
    "start": "2024-01-18T09:30:00",
    "agenda": [{"title": "Opening", "minutes": 5}, {"title": "Discussion", "minutes": 85}],
}
PHASES = ("join", "connect", "sync", "disconnect", "reconnect", "catch_up", "forget")
WARM_UP = 30


@contextmanager
def application(folder: Path, grace: float = Config.presence_grace) -> Iterator[Flask]:
    url = f"sqlite:///{folder / 'joins.sqlite3'}"
    upgrade(url)
    config = Config(
        database_url=url,
        secret_key="bench",
        async_mode="threading",
        instance_path=str(folder),
        join_limit_per_address=0,
        join_limit_per_consultation=0,
        event_window=0.0,
        presence_grace=grace,
    )
    yield create_app(config)


class Phases:
    """CPU seconds spent in each phase, summed over the attendees measured."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PHASES, 0.0)

    def timed(self, phase: str, step: Callable[[], Any]) -> Any:
        began = time.process_time()
        result = step()
        self.seconds[phase] += time.process_time() - began
        return result


def attend(app: Flask, join_code: str, number: int, phases: Phases) -> Any:
    """One attendee through the page's steps; their last connection stays open."""
    http = app.test_client()
    profile = {"display_name": f"Attendee {number}", "group": "academia", "country": "KE"}
    joined = phases.timed(
        "join", lambda: http.post(f"/api/consultations/{join_code}/join", json=profile)
    )
    token = joined.json["token"]
    first = phases.timed("connect", lambda: socketio.test_client(app, auth={"token": token}))
    answer = phases.timed("sync", lambda: first.emit("sync", {}, callback=True))
    seq = answer["snapshot"]["seq"]
    phases.timed("disconnect", lambda: drop(first))
    again = phases.timed(
        "reconnect",
        lambda: socketio.test_client(app, auth={"token": token, "since": seq, "sync": True}),
    )
    synced = again.get_received()[0]
    caught_up = phases.timed("catch_up", lambda: again.emit("sync", {"since": seq}, callback=True))
    # The first connection's presence row, held for the grace: what the ticker will do.
    phases.timed("forget", lambda: presence.leave_held(app.extensions["baraza"]))
    for answer in (synced["args"][0], caught_up):
        if synced["name"] != "synced" or not answer.get("ok") or "events" not in answer:
            raise RuntimeError(f"the catch-up was not a list of events: {synced}, {caught_up}")
    return again


def drop(client: Any) -> None:
    """End a test client's connection as a phone's link drops: no goodbye, the transport
    closes (the test client itself can only say goodbye)."""
    socketio.server._handle_eio_disconnect(client.eio_sid, "transport close")
    client.connected.clear()


def by_part(app: Flask, join_code: str) -> list[tuple[str, int, float]]:
    """Each snapshot part's queries and CPU milliseconds, for one more attendee."""
    core = app.extensions["baraza"]
    viewer = consultations.join(core, join_code, {}).viewer
    queries = [0]
    sa.event.listen(core.store.engine, "before_cursor_execute", lambda *_: _count(queries))
    rows: list[tuple[str, int, float]] = []

    def measured(part: Any) -> Any:
        def run(tx: Any, consultation: Any, viewer: Any, now: datetime) -> Any:
            before, began = queries[0], time.process_time()
            result = part(tx, consultation, viewer, now)
            spent = (time.process_time() - began) * 1000
            rows.append((f"{part.__module__}.{part.__name__}", queries[0] - before, spent))
            return result

        return run

    parts = core.wiring.snapshot_parts
    core.wiring = replace(core.wiring, snapshot_parts=tuple(measured(part) for part in parts))
    queries[0] = 0
    began = time.process_time()
    snapshots.snapshot(core, viewer)
    whole = (time.process_time() - began) * 1000
    core.wiring = replace(core.wiring, snapshot_parts=parts)
    return [("the whole snapshot", queries[0], whole), *rows]


LOG_LENGTHS = (1_000, 10_000, 50_000)


def as_the_log_grows(
    app: Flask, join_code: str, ballots: int, lengths: tuple[int, ...] = LOG_LENGTHS
) -> list[tuple[int, float, float]]:
    """At each log length: CPU ms of a snapshot, and of a rejoin's catch-up after
    `ballots` more staff-only events (a vote's ballots, logged while it was away)."""
    core = app.extensions["baraza"]
    viewer = consultations.join(core, join_code, {}).viewer
    rows = []
    for length in lengths:
        logged = snapshots.snapshot(core, viewer)["seq"]
        _log_quietly(core, viewer.consultation_id, length - ballots - logged)
        since = snapshots.snapshot(core, viewer)["seq"]
        _log_quietly(core, viewer.consultation_id, ballots)
        answer = snapshots.catch_up(core, viewer, since)
        if "events" not in answer:
            raise RuntimeError("a rejoin after staff-only events was sent a snapshot")
        caught_up = _cpu_ms(partial(snapshots.catch_up, core, viewer, since))
        rows.append((length, caught_up, _cpu_ms(lambda: snapshots.snapshot(core, viewer))))
    return rows


def _log_quietly(core: Any, consultation_id: int, count: int) -> None:
    """Log `count` quiet staff-only events (none if it is not positive), as ballots are."""
    with core.store.transaction() as tx:
        consultation = locked_consultation(tx, consultation_id)
        quiet = EventDraft("bench_ballot", {}, STAFF, live=False)
        event_log.append(tx, consultation, None, [quiet] * count, core.now())


def _cpu_ms(step: Callable[[], Any], times: int = 20) -> float:
    began = time.process_time()
    for _ in range(times):
        step()
    return (time.process_time() - began) / times * 1000


def _count(queries: list[int]) -> None:
    queries[0] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--ballots", type=int, default=1_000)
    parser.add_argument(
        "--grace", type=float, default=Config.presence_grace, help="PRESENCE_GRACE, seconds"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, application(Path(folder), options.grace) as app:
        core = app.extensions["baraza"]
        join_code = consultations.create(core, parse_spec(SPEC)).join_code
        connected = [attend(app, join_code, -n, Phases()) for n in range(1, WARM_UP + 1)]
        phases = Phases()
        connected += [attend(app, join_code, n, phases) for n in range(options.attendees)]
        print(
            f"CPU per attendee, ms ({options.attendees} attendees, in process, SQLite,"
            f" presence grace {options.grace:g} s):"
        )
        for phase, seconds in phases.seconds.items():
            print(f"  {phase:12} {seconds / options.attendees * 1000:6.2f}")
        print("The snapshot, part by part (one more attendee):")
        for name, queries, milliseconds in by_part(app, join_code):
            print(f"  {name:60} {queries:3} queries {milliseconds:6.2f} ms")
        print(
            f"As the log grows: CPU ms of a snapshot, and of a rejoin's catch-up after"
            f" {options.ballots} staff-only events (a vote's ballots) logged meanwhile:"
        )
        for length, caught_up, snapshot in as_the_log_grows(app, join_code, options.ballots):
            print(
                f"  {length:6} events logged: snapshot {snapshot:6.2f}, catch-up {caught_up:6.2f}"
            )
        for client in connected:
            client.disconnect()


if __name__ == "__main__":
    main()
