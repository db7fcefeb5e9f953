"""Playing the script against a seated crowd, and reading the server window by window.

Three things run side by side from the first item's start (`start`, monotonic):
the chair (the coordinator's moderator) does the script's moderator actions at
their times, each timed to the last attendee as `bench.steps.Timed` does; each
consultation minute, half a minute ahead, the attendees' commands and drops of
that minute go to the load generator holding each attendee (worker actions
`commands` and `churn` of bench/node/worker.js), which sends each at its time;
and at each window's end the server is read: RSS and CPU from /proc
(`bench.procstat`), its garbage-collection pauses from its own
`baraza_gc_pause_seconds` histogram at `/metrics`. A window's row is made once
its commands are acknowledged and a grace period has passed, so that its
broadcasts have arrived.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from .. import procstat
from ..coordinator import LoadWorker, Run
from ..steps import quantiles
from .script import MINUTES, WINDOW_MINUTES, Chair, Command, Script, window_of

# A moderator action's event, and the test its data must pass (`act_and_wait`).
TRACKED: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "start_item": ("item_started", lambda data, item: data["id"] == item),
    "open_poll": ("poll_opened", lambda data, poll: data["id"] == poll),
    "close_poll": ("poll_closed", lambda data, poll: data["poll"]["id"] == poll),
    "give_floor": ("floor_given", lambda _data, _target: True),
    "end_turn": ("turn_ended", lambda _data, _target: True),
    "pin_question": ("question_pinned", lambda data, q: data["question"]["id"] == q),
    "answer_question": ("question_answered", lambda data, q: data["question"]["id"] == q),
}
GRACE_SECONDS = 10.0  # after a window's end, before its broadcasts' arrivals are read
SAMPLE_SECONDS = 2.0  # RSS sampled this often, for each window's peak
GC_OVER = (0.05, 0.1)  # pause thresholds reported, seconds: bucket bounds of the histogram


@dataclass
class Acted:
    """A moderator action done: its event's key (seq), when sent and how late."""

    action: Chair
    key: Any = None
    sent: float = 0.0
    late: float = 0.0
    error: str | None = None


@dataclass
class Boundary:
    """The server and the machine read at a window's edge."""

    at: float
    reading: procstat.Reading
    gc: dict[str, dict[str, float]]  # generation -> {"count", "sum", "le=0.05", "le=0.1"}
    load: list[str]


@dataclass
class Soak:
    """What the run has done and read so far."""

    run: Run
    script: Script
    per_minute: float  # real seconds per consultation minute
    metrics_token: str
    log: Callable[[str], None]
    start: float = 0.0
    ids: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    acted: list[Acted] = field(default_factory=list)
    acks: list[tuple[Command, dict[str, Any]]] = field(default_factory=list)
    resyncs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (window, result)
    skipped: Counter[str] = field(default_factory=Counter)
    boundaries: list[Boundary] = field(default_factory=list)
    peaks: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pending: dict[int, list[asyncio.Task[None]]] = field(default_factory=lambda: defaultdict(list))
    rows: list[dict[str, Any]] = field(default_factory=list)

    def at(self, minute: float) -> float:
        return self.start + minute * self.per_minute

    # ------------------------------------------------------------ the chair

    async def chair(self) -> None:
        """Every moderator action of the script at its time, one after another."""
        moderator = self.run.chair
        items = moderator.items
        for action in self.script.chair:
            await asyncio.sleep(max(0.0, self.at(action.minute) - time.monotonic()))
            done = Acted(action, late=max(0.0, time.monotonic() - self.at(action.minute)))
            try:
                await self._act(action, items, done)
            except Exception as error:  # a refused or lost action is a figure
                done.error = f"{type(error).__name__}: {error}"[:120]
            self.acted.append(done)

    async def _act(self, action: Chair, items: list[int], done: Acted) -> None:
        moderator = self.run.chair
        if action.command == "create_poll":
            poll = {**self.script.polls[action.target], "item_id": items[action.target + 1]}
            reply = await moderator.command("create_poll", poll)
            self.ids["poll"][action.target] = reply["poll_id"]
            return
        payload: dict[str, Any] = {}
        target: Any = None
        if action.command == "start_item":
            target = items[action.target]
            payload = {"item_id": target}
        elif action.command in ("open_poll", "close_poll"):
            target = self.ids["poll"][action.target]
            payload = {"poll_id": target}
        elif action.command in ("pin_question", "answer_question"):
            target = self.ids["question"].get(action.target)
            if target is None:
                self.skipped[f"{action.command}: question not asked"] += 1
                raise LookupError("question not asked")
            payload = {"question_id": target}
            if action.command == "answer_question":
                payload["answer"] = "Noted for the report; the secretariat will follow up."
        event, match = TRACKED[action.command]
        done.key, done.sent = await moderator.act_and_wait(
            action.command, payload, event, lambda data: match(data, target)
        )

    # ------------------------------------------------------------ the crowd

    def _worker_of(self, number: int) -> LoadWorker:
        crowds = self.run.crowds
        first = 0
        for worker, share in zip(crowds.workers, crowds.shares, strict=True):
            if number < first + share:
                return worker
            first += share
        raise IndexError(number)

    def _payload(self, command: Command) -> dict[str, Any] | None:
        if command.event == "ask_question":
            return {"text": f"Question {command.target}: how will the treaty be applied here?"}
        if command.event == "vote_question":
            question = self.ids["question"].get(command.target)
            return None if question is None else {"question_id": question}
        if command.event == "cast_ballot":
            poll = self.ids["poll"].get(command.target)
            return None if poll is None else {"poll_id": poll, "answer": command.answer}
        return {"topic": f"Speaker {command.target}"}

    async def crowd(self) -> None:
        """Each minute's commands and drops, handed to the generators half a minute ahead."""
        by_minute: dict[int, list[Command]] = defaultdict(list)
        for command in self.script.commands:
            by_minute[int(command.minute)].append(command)
        drops_by_minute: dict[int, list[Any]] = defaultdict(list)
        for drop in self.script.drops:
            drops_by_minute[int(drop.minute)].append(drop)
        for minute in range(MINUTES):
            await asyncio.sleep(max(0.0, self.at(minute - 0.5) - time.monotonic()))
            window = window_of(minute)
            batches: dict[LoadWorker, list[dict[str, Any]]] = defaultdict(list)
            sent: list[Command] = []
            for command in by_minute[minute]:
                payload = self._payload(command)
                if payload is None:
                    self.skipped[f"{command.event}: not created yet"] += 1
                    continue
                batches[self._worker_of(command.number)].append(
                    {
                        "index": len(sent),
                        "number": command.number,
                        "event": command.event,
                        "payload": payload,
                        "at": self.at(command.minute),
                    }
                )
                sent.append(command)
            for worker, batch in batches.items():
                task = asyncio.create_task(self._commands(worker, batch, sent))
                self.pending[window].append(task)
            drops: dict[LoadWorker, list[dict[str, Any]]] = defaultdict(list)
            for drop in drops_by_minute[minute]:
                drops[self._worker_of(drop.number)].append(
                    {"number": drop.number, "at": self.at(drop.minute), "away": drop.away}
                )
            for worker, batch in drops.items():
                self.pending[window].append(asyncio.create_task(self._churn(worker, batch, window)))

    async def _commands(
        self, worker: LoadWorker, batch: list[dict[str, Any]], sent: list[Command]
    ) -> None:
        span = self.per_minute * 2 + 120
        try:
            reply = await worker.ask(
                "act", timeout=span, action="commands", params={"commands": batch}
            )
        except Exception as error:
            for entry in batch:
                self.acks.append((sent[entry["index"]], {"code": type(error).__name__}))
            return
        for result in reply["results"]:
            command = sent[result["index"]]
            self.acks.append((command, result))
            if command.event == "ask_question" and result.get("reply"):
                self.ids["question"][command.target] = result["reply"]["question_id"]

    async def _churn(self, worker: LoadWorker, batch: list[dict[str, Any]], window: int) -> None:
        try:
            reply = await worker.ask(
                "act", timeout=self.per_minute * 2 + 180, action="churn", params={"drops": batch}
            )
        except Exception as error:
            self.resyncs += [(window, {"code": type(error).__name__})] * len(batch)
            return
        self.resyncs += [(window, result) for result in reply["results"]]

    # ------------------------------------------------------------ reading the server

    def pids(self) -> list[int]:
        return self.run.server.pids + self.run.crowds.pids + [os.getpid()]

    async def read(self, http: aiohttp.ClientSession) -> Boundary:
        at = time.monotonic()
        reading = procstat.read(self.pids(), at)
        gc = await garbage_collections(http, self.run.server.urls[0], self.metrics_token)
        with open("/proc/loadavg") as loadavg:
            load = loadavg.read().split()[:3]
        return Boundary(at, reading, gc, load)

    async def stand_quiet(self, http: aiohttp.ClientSession, seconds: float) -> dict[str, Any]:
        """Every connection held and silent for `seconds` after the consultation: what
        the server collects when nothing happens (server/realtime/garbage_collection.py)."""
        before = await self.read(http)
        await asyncio.sleep(seconds)
        after = await self.read(http)
        rss = after.reading.rss_of(self.run.server.pids)
        return {
            "seconds": seconds,
            "gc": gc_between(before, after),
            "rss_mb": round(rss / 2**20, 1),
        }

    async def sample(self) -> None:
        """The server's RSS every few seconds: each window's peak."""
        while True:
            now = time.monotonic()
            window = window_of(max(0.0, (now - self.start) / self.per_minute))
            rss = procstat.read(self.run.server.pids, now).rss_of(self.run.server.pids)
            self.peaks[window] = max(self.peaks[window], rss)
            await asyncio.sleep(SAMPLE_SECONDS)

    async def play(
        self, http: aiohttp.ClientSession, on_row: Callable[[dict[str, Any]], None]
    ) -> None:
        """The whole script, reading the server at each window's edge; a row per window."""
        self.start = time.monotonic() + 1.0
        await asyncio.sleep(1.0)
        self.boundaries.append(await self.read(http))
        players = [
            asyncio.create_task(self.chair()),
            asyncio.create_task(self.crowd()),
            asyncio.create_task(self.sample()),
        ]
        rows: list[asyncio.Task[None]] = []
        try:
            for window in range(self.script.windows):
                edge = min(MINUTES, (window + 1) * WINDOW_MINUTES)
                await asyncio.sleep(max(0.0, self.at(edge) - time.monotonic()))
                self.boundaries.append(await self.read(http))
                rows.append(asyncio.create_task(self.row(window, on_row)))
            await players[0]  # the chair's last actions may run late
            for task in rows:
                await task
        finally:
            for task in players:
                task.cancel()
            for tasks in self.pending.values():
                for task in tasks:
                    task.cancel()

    async def row(self, window: int, on_row: Callable[[dict[str, Any]], None]) -> None:
        """Window `window`'s figures, once its commands are answered and its broadcasts in."""
        await asyncio.gather(*self.pending[window], return_exceptions=True)
        end = self.at(min(MINUTES, (window + 1) * WINDOW_MINUTES))
        await asyncio.sleep(max(0.0, end + GRACE_SECONDS - time.monotonic()))
        while len(self.acted) < len(self.script.chair) and any(
            window_of(a.minute) == window for a in self.script.chair[len(self.acted) :]
        ):
            await asyncio.sleep(0.5)
        acted = [a for a in self.acted if window_of(a.action.minute) == window]
        row = await figures(self, window, acted)
        self.rows.append(row)
        self.rows.sort(key=lambda row: row["window"])
        on_row(row)


async def garbage_collections(
    http: aiohttp.ClientSession, url: str, token: str
) -> dict[str, dict[str, float]]:
    """The server's `baraza_gc_pause_seconds` histogram (count, sum and the buckets of
    GC_OVER) and `baraza_gc_yielded` counter (collections a finalizer yielded in), by
    generation."""
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(f"{url}/metrics", headers=headers) as response:
        text = await response.text()
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        if family.name == "baraza_gc_yielded":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    found[sample.labels["generation"]]["yielded"] = sample.value
        if family.name != "baraza_gc_pause_seconds":
            continue
        for sample in family.samples:
            generation = sample.labels["generation"]
            if sample.name.endswith("_count"):
                found[generation]["count"] = sample.value
            elif sample.name.endswith("_sum"):
                found[generation]["sum"] = sample.value
            elif sample.name.endswith("_bucket") and float(sample.labels["le"]) in GC_OVER:
                found[generation][f"le={float(sample.labels['le'])}"] = sample.value
    return dict(found)


def gc_between(before: Boundary, after: Boundary) -> dict[str, Any]:
    """Collections and pauses between two readings: by generation, and over each threshold."""
    figures: dict[str, Any] = {"collections": {}, "pause_s": 0.0, "yielded": 0}
    for over in GC_OVER:
        figures[f"over_{round(over * 1000)}ms"] = 0
    for generation, now in sorted(after.gc.items()):
        then = before.gc.get(generation, {})
        count = now.get("count", 0) - then.get("count", 0)
        figures["collections"][generation] = int(count)
        figures["pause_s"] += now.get("sum", 0) - then.get("sum", 0)
        figures["yielded"] += int(now.get("yielded", 0) - then.get("yielded", 0))
        for over in GC_OVER:
            below = now.get(f"le={over}", 0) - then.get(f"le={over}", 0)
            figures[f"over_{round(over * 1000)}ms"] += int(count - below)
    figures["pause_s"] = round(figures["pause_s"], 3)
    return figures


async def figures(soak: Soak, window: int, acted: list[Acted]) -> dict[str, Any]:
    """One window's row: the chair's actions to the last attendee, the attendees' acks,
    the rejoins, the server's memory, CPU and collections, the machine's load."""
    keyed = [a for a in acted if a.key is not None]
    arrivals = await soak.run.crowds.act("arrivals", {"keys": [a.key for a in keyed]})
    last, caught_up, snapshot, missed, behind = [], 0, 0, 0, 0
    each: list[dict[str, Any]] = []
    for done in keyed:
        entries = [reply[str(done.key)] for reply in arrivals]
        times = [entry["last"] for entry in entries if entry["last"] is not None]
        if times:
            last.append(max(times) - done.sent)
            each.append(
                {
                    "minute": round(done.action.minute, 2),
                    "command": done.action.command,
                    "last_attendee_ms": round(last[-1] * 1000, 1),
                }
            )
        caught_up += sum(entry["caught_up"] for entry in entries)
        snapshot += sum(entry["snapshot"] for entry in entries)
        missed += sum(entry["missed"] for entry in entries)
        behind += sum(entry["behind"] for entry in entries)
    acks = [
        (command, result) for command, result in soak.acks if window_of(command.minute) == window
    ]
    codes: Counter[str] = Counter(result.get("code") or "?" for _, result in acks)
    by_event: dict[str, list[float]] = defaultdict(list)
    for command, result in acks:
        if result.get("ack") is not None:
            by_event[command.event].append(result["ack"])
    rejoins = [result for w, result in soak.resyncs if w == window]
    before, after = soak.boundaries[window], soak.boundaries[window + 1]
    server, crowd = soak.run.server.pids, soak.run.crowds.pids
    seconds = after.at - before.at
    server_cpu = after.reading.cpu_of(server) - before.reading.cpu_of(server)
    generators = after.reading.cpu_of(crowd) - before.reading.cpu_of(crowd)
    coordinator = after.reading.cpu_of([os.getpid()]) - before.reading.cpu_of([os.getpid()])
    machine = after.reading.machine_busy - before.reading.machine_busy
    return {
        "window": window,
        "minutes": [window * WINDOW_MINUTES, min(MINUTES, (window + 1) * WINDOW_MINUTES)],
        "seconds": round(seconds, 1),
        "chair": {
            "actions": len(acted),
            "timed": len(last),
            "errors": dict(Counter(a.error for a in acted if a.error)),
            "late_s_max": round(max((a.late for a in acted), default=0.0), 2),
            "by_command": dict(Counter(a.action.command for a in acted)),
            "last_attendee_ms": quantiles(last),
            "caught_up_by_sync": caught_up,
            "covered_by_snapshot": snapshot,
            "missed": missed,
            "not_reached_yet": behind,
            "each": each,
        },
        "commands": {
            "sent": len(acks),
            "codes": dict(codes),
            "deferred_while_away": sum(1 for _, result in acks if result.get("deferred")),
            "resent_after_drop": sum(result.get("resent") or 0 for _, result in acks),
            "ack_ms": quantiles([t for times in by_event.values() for t in times]),
            "ack_ms_by_command": {event: quantiles(t) for event, t in sorted(by_event.items())},
        },
        "rejoins": {
            "drops": len(rejoins),
            "codes": dict(Counter(result.get("code") or "?" for result in rejoins)),
            "answers": dict(Counter(result["kind"] for result in rejoins if result.get("kind"))),
            "resync_ms": quantiles([r["resync"] for r in rejoins if r.get("resync") is not None]),
        },
        "server": {
            "rss_mb": round(after.reading.rss_of(server) / 2**20, 1),
            "rss_peak_mb": round(max(soak.peaks[window], after.reading.rss_of(server)) / 2**20, 1),
            "cpu_s": round(server_cpu, 2),
            "cpu_share": round(server_cpu / max(1e-9, seconds), 3),
            "gc": gc_between(before, after),
        },
        "machine": {
            "load_average": after.load,
            "busy_share": round(machine / max(1e-9, seconds), 3),  # of one core; 2.0 = both
            "load_generators_cpu_s": round(generators, 2),
            "coordinator_cpu_s": round(coordinator, 2),
            "other_processes_cpu_s": round(
                max(0.0, machine - server_cpu - generators - coordinator), 2
            ),
        },
    }
