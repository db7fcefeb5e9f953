"""The coordinator: starts a server and the load generators, runs the scenario, keeps figures.

One *run* is one server set-up (Baraza, or a bare relay baseline) under one async
mode with N attendees. The coordinator starts the server processes on free
ports of 127.0.0.1, starts the load-generator processes (bench/worker.py),
seats the moderator itself, runs every step of `steps.SCENARIO` that applies,
and stops everything it started, whatever happened.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio
import sqlalchemy as sa

from server.features.polls.models import Ballot
from server.features.questions.models import QuestionVote

from . import procstat
from .steps import SCENARIO

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = ROOT / "bench" / "node"
# How an attendee takes its first snapshot: with the connection (`sync: true` in its
# auth, as the attendee page does) or by sending `sync` once connected.
FIRST_SYNCS = ("auth", "event")


@dataclass(frozen=True)
class Options:
    """How a run is driven (see `python -m bench --help`)."""

    rate: float = 50.0
    actions: int = 30
    gap: float = 0.3
    deliver_within: float = 10.0
    burst_seconds: float = 10.0
    askers: float = 0.1
    relay_bytes: int = 1000
    load_workers: int = 2
    transports: tuple[str, ...] = ("websocket",)
    profile: bool = False
    profile_steps: frozenset[str] = frozenset()
    generator: str = "node"
    first_sync: str = "auth"  # of FIRST_SYNCS
    raw_dir: Path = ROOT / "bench" / "results" / "raw"


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """Server processes of one run and how to reach them."""

    kind: str  # "baraza" or "relay"
    name: str  # "baraza", "flask-relay", "node-relay"
    mode: str
    urls: list[str]
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    join_code: str = ""
    moderator_link: str = ""
    database_url: str = ""  # Baraza's, so that steps can count what was written
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    async def stop(self) -> None:
        for process in self.processes:
            await stop_process(process)
        for step in self.cleanup:
            step()


async def stop_process(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then SIGKILL after 10 s: this process and the group it leads."""
    if process.returncode is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 10)
    except (ProcessLookupError, TimeoutError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        await process.wait()


async def spawn(args: list[str], log: Path, env: dict[str, str], cwd: Path) -> Any:
    with log.open("w") as output:
        return await asyncio.create_subprocess_exec(
            *args,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )


async def wait_healthy(url: str, process: Any, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}:\n{log.read_text()[-2000:]}")


def node_binary() -> str:
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "socket.io-client").is_dir():
        raise RuntimeError("Node.js and `npm ci` in bench/node are needed (make bench does it)")
    return node


def python_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **extra}


async def start_baraza(
    mode: str,
    raw: Path,
    servers: int,
    database_url: str | None,
    redis_url: str | None,
    settings: dict[str, str] | None = None,
    module: str = "server",
) -> Server:
    """`python -m server` (as `make run` does) on fresh storage; several share one database.

    `settings`: more environment for the servers (the soak's METRICS_TOKEN);
    `module`: what runs them (`bench.traced_server` traces their memory).
    """
    instance = Path(tempfile.mkdtemp(prefix="baraza-bench-"))
    server = Server("baraza", "baraza", mode, [])
    server.cleanup.append(lambda: shutil.rmtree(instance, ignore_errors=True))
    env = {"ASYNC_MODE": mode, "BARAZA_INSTANCE": str(instance), **(settings or {})}
    # The bench is one client playing the whole crowd: the join limits are off.
    env |= {"JOIN_LIMIT_PER_ADDRESS": "0", "JOIN_LIMIT_PER_CONSULTATION": "0"}
    # The server's own default (server/config.py) unless a PostgreSQL server is given.
    server.database_url = f"sqlite:///{instance / 'baraza.sqlite3'}"
    if database_url:
        server.database_url = env["DATABASE_URL"] = fresh_database(database_url, server)
    if redis_url:
        env["REDIS_URL"] = redis_url
    for number in range(servers):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = raw / f"baraza-{mode}-{number}.log"
        process = await spawn(
            [sys.executable, "-m", module],
            log,
            python_env(PORT=str(port), PUBLIC_URL=url, **env),
            instance,
        )
        server.processes.append(process)
        server.urls.append(url)
        await wait_healthy(f"{url}/api/health", process, log)
    links = json.loads((instance / "demo-links.json").read_text())
    server.join_code = links["join_code"]
    server.moderator_link = links["moderator_token"]
    return server


def fresh_database(server_url: str, server: Server) -> str:
    """A new, empty PostgreSQL database on `server_url` for this run, dropped after it."""
    import sqlalchemy as sa

    name = f"baraza_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url.rstrip("/") + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()

    server.cleanup.append(drop)
    return server_url.rstrip("/") + f"/{name}"


async def start_relay(name: str, mode: str, raw: Path) -> Server:
    """A bare relay baseline: Flask-SocketIO under `mode`, tuned or as shipped, or Node's."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = raw / f"{name}-{mode}.log"
    if name == "node-relay":
        args = [node_binary(), str(NODE_DIR / "relay.js"), str(port)]
    else:
        args = [sys.executable, "-m", "bench.relay", "--port", str(port), "--async-mode", mode]
        if name == "flask-defaults":
            args.append("--library-defaults")
    process = await spawn(args, log, python_env(), ROOT)
    server = Server("relay", name, mode, [url], [process])
    await wait_healthy(f"{url}/health", process, log)
    return server


# ---------------------------------------------------------------- load generators


class LoadWorker:
    """One bench/worker.py process and the JSON-lines conversation with it."""

    def __init__(self, process: Any) -> None:
        self.process = process
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.completes: dict[Any, float] = {}
        self.completed = asyncio.Event()
        self.next_id = 0
        self.ready = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, generator: str, settings: dict[str, Any], log: Path) -> LoadWorker:
        if generator == "node":
            args = [node_binary(), str(NODE_DIR / "worker.js")]
        else:
            args = [sys.executable, "-m", "bench.worker"]
        with log.open("w") as errors:
            process = await asyncio.create_subprocess_exec(
                *args,
                cwd=ROOT,
                env=python_env(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
                limit=2**26,
                start_new_session=True,
            )
        worker = cls(process)
        await worker._write(settings)
        await asyncio.wait_for(worker.ready, 30)
        return worker

    async def _write(self, message: dict[str, Any]) -> None:
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()

    async def _read(self) -> None:
        while line := await self.process.stdout.readline():
            message = json.loads(line)
            if "id" in message:
                self.replies.pop(message["id"]).set_result(message["reply"])
            elif "complete" in message:
                self.completes[message["complete"]] = message["at"]
                self.completed.set()
            elif "ready" in message:
                self.ready.set_result(True)
        for future in self.replies.values():
            future.set_exception(RuntimeError("load generator exited"))
        if not self.ready.done():
            self.ready.set_exception(RuntimeError("load generator exited"))

    async def ask(self, cmd: str, timeout: float = 60, **fields: Any) -> dict[str, Any]:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        await self._write({"id": self.next_id, "cmd": cmd, **fields})
        reply: dict[str, Any] = await asyncio.wait_for(future, timeout)
        if "failed" in reply:
            raise RuntimeError(f"load generator: {cmd} failed: {reply['failed']}")
        return reply

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self._write({"cmd": "quit"}), 5)
            await asyncio.wait_for(self.process.wait(), 30)
        except (TimeoutError, ConnectionError):
            pass
        await stop_process(self.process)
        self.reader.cancel()


@dataclass(frozen=True)
class Delivered:
    """One broadcast at the attendees: when each got it live, how many did not, and of
    those (where the generator tells: Node's does, the Python one does not) how many
    have it all the same by the time they were asked (a sync's events or a snapshot
    took them past it) and how many have not reached it by any way."""

    times: list[float]
    missed: int
    caught_up: int | None
    never: int | None


class Crowds:
    """All load generators together: each gets an even share of the N attendees."""

    def __init__(self, workers: list[LoadWorker], shares: list[int]) -> None:
        self.workers = workers
        self.shares = shares

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers]

    async def each(
        self, cmd: str, fields: Callable[[int], dict[str, Any]], timeout: float = 60
    ) -> list[dict[str, Any]]:
        """Send `cmd` to every generator with `fields(its share)`; gather the replies."""
        return list(
            await asyncio.gather(
                *(
                    w.ask(cmd, timeout=timeout, **fields(share))
                    for w, share in zip(self.workers, self.shares, strict=True)
                )
            )
        )

    async def act(self, action: str, params: dict[str, Any], timeout: float = 120) -> list[Any]:
        """Run worker action `action` (steps.WORKER_ACTIONS) in every generator."""
        return await self.each(
            "act", lambda _share: {"action": action, "params": params}, timeout=timeout
        )

    async def complete(self, key: Any, timeout: float) -> bool:
        """Wait until every generator says all its attendees have broadcast `key`."""
        deadline = time.monotonic() + timeout
        while not all(key in w.completes for w in self.workers):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            waiting = [w for w in self.workers if key not in w.completes]
            for worker in waiting:
                worker.completed.clear()
            await asyncio.wait(
                [asyncio.create_task(w.completed.wait()) for w in waiting],
                timeout=min(remaining, 0.5),
            )
        return True

    async def deliveries(self, keys: list[Any]) -> dict[Any, Delivered]:
        """Arrival times of each broadcast at every attendee, and who missed it live."""
        replies = await self.each("deliveries", lambda _share: {"keys": keys}, timeout=120)
        found: dict[Any, Delivered] = {}
        for key in keys:
            entries = [reply[json.dumps(key)] for reply in replies]
            told = all("never" in entry for entry in entries)
            found[key] = Delivered(
                times=[time for entry in entries for time in entry["times"]],
                missed=sum(entry["missed"] for entry in entries),
                caught_up=sum(entry["caught_up"] for entry in entries) if told else None,
                never=sum(entry["never"] for entry in entries) if told else None,
            )
        return found

    async def stats(self) -> tuple[Counter[str], int, int]:
        """Messages received by kind, bytes, and catch-ups asked after a gap (the
        Python generator asks none)."""
        replies = await self.each("stats", lambda _share: {})
        messages: Counter[str] = Counter()
        for reply in replies:
            messages.update(reply["messages"])
        gaps = sum(reply.get("gaps", 0) for reply in replies)
        return messages, sum(r["bytes"] for r in replies), gaps

    async def stop(self) -> None:
        await asyncio.gather(*(w.stop() for w in self.workers))


# ---------------------------------------------------------------- the moderator


class BarazaModerator:
    """The moderator's console: claims its link, syncs, moves the agenda, runs polls and questions.

    It hears its events both as `event` (one envelope) and as `events` (a list,
    one message for all the events of a command), so that it times actions to
    their event whichever the server sends.
    """

    def __init__(self, server: Server, http: aiohttp.ClientSession) -> None:
        self.server = server
        self.http = http
        self.client = socketio.AsyncClient(
            reconnection=False, http_session=http, handle_sigint=False
        )
        self.items: list[int] = []
        # (event type, test of its data, future of the envelope) of each action awaited.
        self.waiting: list[tuple[str, Callable[[Any], bool], asyncio.Future[Any]]] = []

        async def on_events(envelopes: list[dict[str, Any]]) -> None:
            for envelope in envelopes:
                self._heard(envelope)

        self.client.on("events", on_events)

    def _heard(self, envelope: dict[str, Any]) -> None:
        for event_type, match, heard in self.waiting:
            if envelope["type"] == event_type and not heard.done() and match(envelope["data"]):
                heard.set_result(envelope)

    async def connect(self) -> None:
        url = self.server.urls[0]
        body = {"link": self.server.moderator_link, "display_name": "Chair"}
        async with self.http.post(f"{url}/api/links/claim", json=body) as response:
            token = (await response.json())["token"]
        await self.client.connect(url, auth={"token": token}, transports=["websocket"])
        snapshot = (await self.client.call("sync", {}))["snapshot"]
        self.items = [item["id"] for item in snapshot["agenda"]["items"]]

    async def act(self, number: int) -> tuple[Any, float]:
        """Start agenda item `number` (cycling): its item_started seq and when it was sent."""
        item_id = self.items[number % len(self.items)]
        return await self.act_and_wait(
            "start_item", {"item_id": item_id}, "item_started", lambda data: data["id"] == item_id
        )

    async def act_and_wait(
        self,
        command: str,
        payload: dict[str, Any],
        event_type: str,
        match: Callable[[Any], bool],
    ) -> tuple[Any, float]:
        """Send `command`; the seq of its `event_type` event that `match`es, and when it was sent.

        The seq is the key the load generators file that event's arrivals under.
        The event may come before the acknowledgement: it is awaited from the send.
        """
        heard: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (event_type, match, heard)
        self.waiting.append(entry)
        try:
            sent_at = time.monotonic()
            await self.command(command, payload)
            envelope = await asyncio.wait_for(heard, 30)
        finally:
            self.waiting.remove(entry)
        return envelope["seq"], sent_at

    async def command(self, command: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send `command` and return its acknowledgement; a refusal raises with its code."""
        reply = await self.client.call(command, payload, timeout=30)
        if not reply.get("ok"):
            raise RuntimeError(f"{command}: {reply.get('error', {}).get('code', 'refused')}")
        return dict(reply)

    async def disconnect(self) -> None:
        await self.client.disconnect()


class RelayModerator:
    """The relay baselines' sender: one message per action, as Baraza sends each attendee.

    Baraza's `start_item` reaches an attendee as one `events` message holding two
    envelopes (`item_ended`, `item_started`), about 1,000 bytes: the relay's one
    message is padded to the same size (`--relay-bytes`).
    """

    def __init__(self, server: Server, http: aiohttp.ClientSession, size: int) -> None:
        self.server = server
        self.client = socketio.AsyncClient(
            reconnection=False, http_session=http, handle_sigint=False
        )
        self.pad = "x" * size

    async def connect(self) -> None:
        await self.client.connect(self.server.urls[0], transports=["websocket"])

    async def act(self, number: int) -> tuple[Any, float]:
        sent_at = time.monotonic()
        await self.client.emit("relay", {"id": number, "pad": self.pad})
        return number, sent_at

    async def disconnect(self) -> None:
        await self.client.disconnect()


# ---------------------------------------------------------------- measuring


class Phase:
    """Costs between entering and leaving a block: server, generators, machine, traffic."""

    def __init__(self, run: Run, name: str) -> None:
        self.run = run
        self.name = name

    async def __aenter__(self) -> Phase:
        self.messages_before, self.bytes_before, self.gaps_before = await self.run.crowds.stats()
        self.profiler = None
        if self.name in self.run.options.profile_steps and not self.run.profiled:
            self.profiler = await start_profiler(
                self.run.server, self.run.n, self.run.options, self.name
            )
        self.before = self.run.reading()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.after = self.run.reading()
        if self.profiler is not None:
            await stop_profiler(self.profiler)
        messages, total_bytes, gaps = await self.run.crowds.stats()
        self.messages = messages - self.messages_before
        self.bytes = total_bytes - self.bytes_before
        self.gaps = gaps - self.gaps_before

    @property
    def seconds(self) -> float:
        return self.after.at - self.before.at

    @property
    def server_cpu(self) -> float:
        pids = self.run.server.pids
        return self.after.cpu_of(pids) - self.before.cpu_of(pids)

    @property
    def rss_growth(self) -> int:
        pids = self.run.server.pids
        return self.after.rss_of(pids) - self.before.rss_of(pids)

    def rate_of(self, kind: str, attendees: int) -> float:
        """Messages of `kind` (an event name, or `state:NAME`) per attendee per second."""
        per = self.messages.get(kind, 0) / max(1, attendees)
        return round(per / max(1e-9, self.seconds), 2)

    def figures(self, attendees: int) -> dict[str, Any]:
        """The costs, whole and per attendee."""
        workers = self.run.crowds.pids
        generators = self.after.cpu_of(workers) - self.before.cpu_of(workers)
        coordinator = self.after.cpu_of([os.getpid()]) - self.before.cpu_of([os.getpid()])
        machine = self.after.machine_busy - self.before.machine_busy
        count = sum(self.messages.values())
        per = max(1, attendees)
        return {
            "seconds": round(self.seconds, 2),
            "server_cpu_s": round(self.server_cpu, 3),
            "server_cpu_ms_per_attendee": round(self.server_cpu / per * 1000, 3),
            "server_rss_mb": round(self.after.rss_of(self.run.server.pids) / 2**20, 1),
            "load_generator_cpu_s": round(generators, 2),
            "load_generator_cpu_us_per_message": round(generators / max(1, count) * 1e6, 1),
            "coordinator_cpu_s": round(coordinator, 2),
            "other_processes_cpu_s": round(
                max(0.0, machine - self.server_cpu - generators - coordinator), 2
            ),
            "messages_per_attendee": round(count / per, 2),
            # Attendees who saw a gap in their events and asked for the missed ones.
            "catch_ups_per_attendee": round(self.gaps / per, 3),
            "bytes_per_attendee": round(self.bytes / per),
            "messages_per_attendee_per_s": round(count / per / max(1e-9, self.seconds), 2),
            "messages_by_event_per_attendee": {
                name: round(value / per, 2) for name, value in sorted(self.messages.items())
            },
        }


@dataclass
class Run:
    """One server set-up with N attendees: what the steps act on and read."""

    server: Server
    crowds: Crowds
    moderator: BarazaModerator | RelayModerator
    n: int
    options: Options
    figures: dict[str, Any] = field(default_factory=dict)
    last_connected_at: float | None = None
    profiled: bool = False  # a step's profiler runs: its phases start none of their own

    def reading(self) -> procstat.Reading:
        return procstat.read(self.server.pids + self.crowds.pids + [os.getpid()], time.monotonic())

    def phase(self, name: str) -> Phase:
        return Phase(self, name)

    @property
    def chair(self) -> BarazaModerator:
        """The Baraza moderator: steps that only Baraza runs speak through it."""
        if not isinstance(self.moderator, BarazaModerator):
            raise TypeError("this step needs a Baraza server")
        return self.moderator

    async def votes_for(self, question_ids: Collection[int]) -> int:
        """Vote rows of these questions, read from the server's database."""
        return await self._count(QuestionVote.question_id, question_ids)

    async def ballots_in(self, poll_id: int) -> int:
        """Ballot rows of this poll, read from the server's database."""
        return await self._count(Ballot.poll_id, [poll_id])

    async def _count(self, column: Any, values: Collection[int]) -> int:
        def count() -> int:
            engine = sa.create_engine(self.server.database_url)
            try:
                with engine.connect() as connection:
                    query = sa.select(sa.func.count(column)).where(column.in_(list(values)))
                    return int(connection.execute(query).scalar_one())
            finally:
                engine.dispose()

        return await asyncio.to_thread(count)


@asynccontextmanager
async def started(server: Server, n: int, options: Options) -> AsyncIterator[Run]:
    """Load generators and the moderator for `server`; all stopped on the way out."""
    count = max(1, min(options.load_workers, n))
    shares = [n // count + (1 if i < n % count else 0) for i in range(count)]
    workers: list[LoadWorker] = []
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()
    )
    moderator: BarazaModerator | RelayModerator
    if server.kind == "baraza":
        moderator = BarazaModerator(server, session)
    else:
        moderator = RelayModerator(server, session, options.relay_bytes)
    try:
        first = 0
        for number, share in enumerate(shares):
            settings = {
                "target": server.kind,
                "urls": server.urls,
                "join_code": server.join_code,
                "transports": list(options.transports),
                "first_number": first,
                "first_sync": options.first_sync,
            }
            log = options.raw_dir / f"worker-{server.name}-{number}.log"
            workers.append(await LoadWorker.start(options.generator, settings, log))
            first += share
        await moderator.connect()
        yield Run(server, Crowds(workers, shares), moderator, n, options)
    finally:
        if moderator.client.connected:
            await moderator.disconnect()
        await asyncio.gather(*(w.stop() for w in workers))
        await session.close()


async def run_once(
    server: Server,
    n: int,
    options: Options,
    figures: dict[str, Any],
    log: Callable[[str], None],
) -> None:
    """Every step of the scenario that applies to `server`, in order, into `figures`.

    A step that fails files its error and ends the run; the steps before it keep
    their figures.
    """
    profiler = await start_profiler(server, n, options) if options.profile else None
    try:
        async with started(server, n, options) as run:
            run.figures = figures
            for step in SCENARIO:
                if server.kind not in step.targets:
                    continue
                began = time.monotonic()
                step_profiler = None
                if step.name in options.profile_steps:
                    step_profiler = await start_profiler(server, n, options, step.name)
                run.profiled = step_profiler is not None
                try:
                    figures[step.name] = await step.run(run)
                except Exception as error:
                    figures[step.name] = {"status": f"failed: {type(error).__name__}: {error}"}
                    raise
                finally:
                    if step_profiler is not None:
                        await stop_profiler(step_profiler)
                took = time.monotonic() - began
                log(f"    {step.name}: {summary(step.name, figures[step.name])} ({took:.1f} s)")
    finally:
        if profiler is not None:
            await stop_profiler(profiler)


async def start_profiler(server: Server, n: int, options: Options, step: str = "") -> Any:
    """py-spy sampling the first server process, as collapsed stacks: for the whole
    run, or for one `step` of it (a burst is seconds among the run's minutes)."""
    py_spy = Path(sys.executable).with_name("py-spy")
    name = f"profile-{server.name}-{server.mode}-{n}" + (f"-{step}" if step else "")
    output = options.raw_dir / f"{name}.txt"
    return await asyncio.create_subprocess_exec(
        str(py_spy),
        "record",
        "--pid",
        str(server.pids[0]),
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(output),
        "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop_profiler(profiler: Any) -> None:
    profiler.send_signal(signal.SIGINT)
    await asyncio.wait_for(profiler.wait(), 60)


def missed(timed: dict[str, Any]) -> str:
    """Deliveries missed live, and what became of them where the generator tells."""
    count = timed["missed_deliveries"]
    if not count or timed.get("never_delivered") is None:
        return str(count)
    return f"{count} (caught up {timed['caught_up_deliveries']}, never {timed['never_delivered']})"


def summary(name: str, figures: dict[str, Any]) -> str:
    if "status" in figures:
        return f"{figures['status']}: {figures.get('reason', '')}"
    if name == "join":
        return (
            f"{figures['joined']}/{figures['attendees']} joined at {figures['rate_achieved']}/s,"
            f" p99 {figures['latency_ms']['p99']} ms, errors {sum(figures['errors'].values())},"
            f" {figures['rss_per_attendee_kb']} KB/attendee"
        )
    if name == "fanout":
        return (
            f"last attendee p50/p99 {figures['last_attendee_ms']['p50']}/"
            f"{figures['last_attendee_ms']['p99']} ms, missed {missed(figures)},"
            f" errors {sum(figures['errors'].values())}, cpu {figures['server_cpu_ms_per_action']}"
            " ms/action"
        )
    if name == "ask_and_upvote":
        ask, vote, pin = figures["ask"], figures["vote"], figures["pin"]
        return (
            f"{figures['questions']} questions at {ask['accepted_per_s']}/s"
            f" (ack p99 {ask['ack_ms']['p99']} ms); votes {vote['accepted_per_s']}/s,"
            f" ack p99 {vote['ack_ms']['p99']} ms, codes {vote['codes']},"
            f" rows {vote['rows_found']} of {vote['rows_expected']} expected,"
            f" {vote['question_votes_per_attendee_per_s']} tallies/att./s;"
            f" pin last p99 {pin['last_attendee_ms']['p99']} ms, missed {missed(pin)};"
            f" catch-ups/att. {ask['catch_ups_per_attendee']} + {vote['catch_ups_per_attendee']}"
        )
    if name == "poll_burst" and "open" not in figures:  # a relay: acknowledgements only
        ballot = figures["ballot"]
        return (
            f"acked {ballot['accepted_per_s']}/s, ack p99 {ballot['ack_ms']['p99']} ms,"
            f" codes {ballot['codes']}, cpu {ballot['server_cpu_ms_per_accepted']} ms/ack"
        )
    if name == "poll_burst":
        ballot = figures["ballot"]
        return (
            f"ballots {ballot['accepted_per_s']}/s, ack p99 {ballot['ack_ms']['p99']} ms,"
            f" codes {ballot['codes']}, rows {ballot['rows_found']} of"
            f" {ballot['rows_expected']} expected, {ballot['poll_results_per_attendee_per_s']}"
            f" tallies/att./s, cpu {ballot['server_cpu_ms_per_accepted']} ms/ballot;"
            f" open/close last {figures['open']['last_attendee_ms']['max']}/"
            f"{figures['close']['last_attendee_ms']['max']} ms"
        )
    return json.dumps(figures)[:160]
