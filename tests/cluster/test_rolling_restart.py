"""A rolling restart during a live session: nothing acknowledged lost, nothing doubled,
nobody left behind.

Two gunicorn workers (as `make cluster` runs them) behind nginx (deploy/nginx.conf),
on PostgreSQL and Redis. 200 attendees, python-socketio's asyncio clients in one
event loop (threaded clients would need two or three threads each, too many for
this machine's two cores), ask and vote through nginx, each with a command id,
and send a command again with the same id when it times out, their connection
drops or the server says `try_again`. Worker A is stopped with SIGTERM, as a
deploy does, and started again; then worker B.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import func, select

from server.core.models import Connection
from server.core.models import Consultation as ConsultationRow
from server.core.runtime import Core
from server.core.store import Store
from server.features.questions.models import Question, QuestionVote
from tests.cluster.conftest import SHARED_REDIS
from tests.cluster.nginx import BROWSER, start_nginx
from tests.conftest import WIRING, new_consultation
from tests.realtime.servers import NO_JOIN_LIMITS, ROOT, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

ATTENDEES = 200
GRACEFUL_TIMEOUT = 30  # gunicorn's default
PUBLIC_URL = "http://baraza.test"
BIN = Path(sys.executable).parent


@dataclass
class Worker:
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        """Start gunicorn as deploy/cluster.sh does and wait until it answers."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--worker-class", "eventlet", "--workers", "1"]
                + ["--worker-connections", "20000", "--bind", f"127.0.0.1:{self.port}"]
                + ["server.wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for _ in range(300):
            assert self.process.poll() is None, self.log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/api/health", timeout=1).ok:
                    return
            except requests.RequestException:  # not listening yet, or busy starting
                pass
            time.sleep(0.1)  # a process starting up: nothing to be told by
        raise AssertionError(f"worker {self.port} did not start:\n{self.log.read_text()}")

    def stop_gracefully(self) -> tuple[int, float]:
        """SIGTERM, as a deploy sends; gunicorn's exit status and how long it took to go."""
        assert self.process is not None
        sent = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40), time.monotonic() - sent


@dataclass
class Attendee:
    """A browser's live connection, as static/js/core/live.js keeps it: reconnects on its own,
    catches up from its last sequence number, and sends a command again, same id, until
    it is answered."""

    number: int
    participant_id: int
    token: str
    url: str
    seq: int | None = None
    own: set[int] = field(default_factory=set)
    leaving: bool = False
    acknowledged: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = field(
        default_factory=dict
    )
    resyncs: int = 0
    connects: int = 0

    def __post_init__(self) -> None:
        self._syncing = True
        self._pending: list[dict[str, Any]] = []
        self.client = self._new_client()

    def _new_client(self) -> socketio.AsyncClient:
        # Reconnecting is the client's own loop, as live.js's socket.io manager does:
        # python-socketio's gives up a try after one second, too short for a busy worker.
        client = socketio.AsyncClient(reconnection=False)
        client.on("connect", self._on_connect)
        client.on("events", self._on_events)
        client.on("disconnect", self._on_disconnect)
        return client

    async def connect(self) -> None:
        await self.client.connect(
            self.url,
            # Another User-Agent each: nginx spreads browsers by address and agent.
            headers={"Origin": PUBLIC_URL, "User-Agent": f"{BROWSER} Attendee/{self.number}"},
            auth={"token": self.token, "since": self.seq},
            transports=["websocket"],
            wait_timeout=10,
        )

    async def _on_disconnect(self, *_reason: Any) -> None:
        if not self.leaving:
            asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while not self.leaving:
            await asyncio.sleep(random.uniform(0.2, 1.0))
            self.client = self._new_client()
            try:
                await self.connect()
                return
            except Exception:  # the worker gone, or nginx with none to offer yet
                await self.client.disconnect()

    async def _on_connect(self) -> None:
        self.connects += 1
        self._syncing = True
        asyncio.get_running_loop().create_task(self._sync())

    async def _sync(self) -> None:
        while True:
            try:
                payload = {} if self.seq is None else {"since": self.seq}
                ack = await self.client.call("sync", payload, timeout=10)
            except Exception:  # disconnected meanwhile: the next connect syncs
                return
            if ack.get("ok"):
                break
            await asyncio.sleep(0.3)
        if "snapshot" in ack:  # the first time, or after missing more than a replay holds
            self.seq = ack["snapshot"]["seq"]
        else:
            for envelope in ack["events"]:
                self.seq = max(self.seq, envelope["seq"])
        self._syncing = False
        pending, self._pending = self._pending, []
        self._take(pending)

    async def _on_events(self, envelopes: list[dict[str, Any]]) -> None:
        self._take(envelopes)

    def _take(self, envelopes: list[dict[str, Any]]) -> None:
        for envelope in envelopes:
            if self._syncing:
                self._pending.append(envelope)
            elif envelope["seq"] <= self.seq:
                continue
            elif envelope["prev"] > self.seq:  # a gap: ask for what was missed
                self._syncing = True
                self.resyncs += 1
                self._pending.append(envelope)
                asyncio.get_running_loop().create_task(self._sync())
            else:
                self.seq = envelope["seq"]

    async def send(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        command_id = f"attendee-{self.number}-{uuid.uuid4().hex}"
        payload = {**payload, "command_id": command_id}
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            assert asyncio.get_running_loop().time() < deadline, f"{name} never answered"
            try:
                ack = await self.client.call(name, payload, timeout=5)
            except Exception:  # timed out, or disconnected: reconnecting, send it again
                await asyncio.sleep(0.3)
                continue
            if not ack["ok"] and ack["error"]["code"] == "try_again":
                await asyncio.sleep(0.3)
                continue
            self.acknowledged[command_id] = (name, payload, ack)
            return ack


async def take_part(attendee: Attendee, questions: list[int], until: asyncio.Event) -> None:
    """Ask and vote, a command every second or two, until the restarts are over."""
    voted: set[int] = set()
    asked = 0
    while not until.is_set():
        await asyncio.sleep(random.uniform(1.0, 2.5))
        others = [q for q in questions if q not in voted and q not in attendee.own]
        if asked <= len(voted) or not others:
            asked += 1
            text = f"Question {asked} from attendee {attendee.number}"
            ack = await attendee.send("ask_question", {"text": text})
            assert ack["ok"], ack
            attendee.own.add(ack["question"]["id"])
            questions.append(ack["question"]["id"])
        else:
            question = random.choice(others)
            voted.add(question)
            ack = await attendee.send("vote_question", {"question_id": question})
            assert ack["ok"], ack


def connections(core: Core) -> int:
    with core.store.reading() as tx:
        return tx.scalar(select(func.count()).select_from(Connection))


def workers_connected(core: Core, consultation_id: int) -> int:
    """The workers holding this consultation's people (the database is shared by the run)."""
    with core.store.reading() as tx:
        return tx.scalar(
            select(func.count(func.distinct(Connection.worker))).where(
                Connection.consultation_id == consultation_id
            )
        )


def served_again_through_nginx(deployment: Deployment, worker: Worker) -> None:
    """Wait until nginx sends newcomers to `worker` again (it keeps a worker it could
    not reach aside for a while, `fail_timeout`). Only these probes ask for /api/health;
    nginx's access log ends each line with the worker that answered."""
    log = deployment.nginx_run / "access.log"
    deadline = time.monotonic() + 60
    for n in itertools.count():
        assert time.monotonic() < deadline, "nginx never sent anyone to the restarted worker"
        agent = f"{BROWSER} Probe/{n}"
        before = log.read_text().count("GET /api/health")
        requests.get(f"{deployment.url}/api/health", headers={"User-Agent": agent}, timeout=10)
        while (
            len(probes := [x for x in log.read_text().splitlines() if "GET /api/health" in x])
            == before
        ):
            time.sleep(0.01)  # nginx logs a request just after answering it
        if probes[-1].endswith(f":{worker.port}"):
            return


async def wait_for(condition: Any, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.2)


async def restart_each(deployment: Deployment) -> None:
    """The rolling restart of docs/deployment.md: one worker at a time, the next once
    nginx sends people to the restarted one again."""
    for worker in deployment.workers:
        await asyncio.sleep(3)  # commands flowing first
        status, seconds = await asyncio.to_thread(worker.stop_gracefully)
        assert status == 0, worker.log.read_text()
        # Drained, not waited out: gunicorn would hold open WebSockets for its whole
        # graceful timeout (30 s) and then cut them.
        assert seconds < GRACEFUL_TIMEOUT / 2, seconds
        await asyncio.to_thread(worker.start, deployment.env)
        await asyncio.to_thread(served_again_through_nginx, deployment, worker)


@dataclass
class Deployment:
    core: Core
    env: dict[str, str]
    workers: list[Worker]
    url: str
    nginx_run: Path


@pytest.fixture
def deployment(pg_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """Two gunicorn workers behind nginx, each stopped gracefully at the end."""
    core = Core(Store(pg_url), wiring=WIRING)
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "REDIS_URL": SHARED_REDIS,
        "REDIS_PREFIX": f"baraza-restart-{uuid.uuid4().hex[:8]}",
        "PUBLIC_URL": PUBLIC_URL,
        "SECRET_KEY": "rolling-restart-secret",
        "BARAZA_INSTANCE": str(tmp_path),
        "ASYNC_MODE": "eventlet",
        "PYTHONPATH": str(ROOT),
        **NO_JOIN_LIMITS,
    }
    workers = [Worker(free_port(), tmp_path / f"worker-{n}.log") for n in range(2)]
    nginx = None
    try:
        for worker in workers:
            worker.start(env)
        nginx = start_nginx(tmp_path / "nginx", [worker.port for worker in workers])
        yield Deployment(core, env, workers, nginx.url, tmp_path / "nginx")
    finally:
        if nginx is not None:
            nginx.stop()
        for worker in workers:
            if worker.process is not None and worker.process.poll() is None:
                worker.stop_gracefully()
        core.store.dispose()


def test_a_rolling_restart_loses_and_doubles_nothing_and_leaves_nobody_behind(deployment):
    core, workers = deployment.core, deployment.workers
    c = new_consultation(core)
    attendees = []
    for n in range(ATTENDEES):
        viewer, token = c.join_with_token(display_name=f"Attendee {n}")
        attendees.append(Attendee(n, viewer.participant_id, token, deployment.url))
    settings = requests.post(
        f"{deployment.url}/api/commands/set_question_settings",
        json={"moderation": "post", "min_interval_seconds": 0, "max_per_person": 1000},
        headers={"Authorization": f"Bearer {c.moderator_token}"},
        timeout=10,
    )
    assert settings.ok, settings.text

    async def session() -> int:
        for start in range(0, ATTENDEES, 25):  # a crowd arriving, not all in one instant
            await asyncio.gather(*(a.connect() for a in attendees[start : start + 25]))
        assert workers_connected(core, c.id) == 2, "nginx sent everyone to one worker"
        over = asyncio.Event()
        questions: list[int] = []
        taking_part = [asyncio.create_task(take_part(a, questions, over)) for a in attendees]
        await restart_each(deployment)
        await asyncio.sleep(3)  # commands flowing after the second restart too
        over.set()
        await asyncio.gather(*taking_part)
        _, last_public_seq = last_seqs(core, c.id)
        await wait_for(
            lambda: all(a.client.connected and (a.seq or 0) >= last_public_seq for a in attendees),
            60,
            "every attendee is connected and caught up",
        )
        # Presence counts each attendee once, on a live worker: none left on the stopped.
        await wait_for(lambda: connections(core) == ATTENDEES, 30, "presence is right again")
        for attendee in attendees:
            attendee.leaving = True
            await attendee.client.disconnect()
        return last_public_seq

    last_public_seq = in_own_loop(asyncio.wait_for(session(), timeout=300))
    assert [a.seq for a in attendees] == [last_public_seq] * ATTENDEES
    assert all(a.connects >= 2 for a in attendees)  # B stopped last: everyone moved
    acknowledged = [entry for a in attendees for entry in a.acknowledged.values()]
    asks = [payload["text"] for name, payload, _ in acknowledged if name == "ask_question"]
    votes = [
        (a.participant_id, payload["question_id"])
        for a in attendees
        for name, payload, _ in a.acknowledged.values()
        if name == "vote_question"
    ]
    assert len(asks) > ATTENDEES and len(votes) > ATTENDEES
    with core.store.reading() as tx:
        texts = tx.scalars(select(Question.text).where(Question.consultation_id == c.id)).all()
        voted = tx.execute(
            select(QuestionVote.participant_id, QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.consultation_id == c.id)
        ).all()
    # Every acknowledged command is there once, and nothing else is.
    assert sorted(texts) == sorted(asks)
    assert sorted(map(tuple, voted)) == sorted(votes)
    logs = "\n".join(worker.log.read_text() for worker in workers)
    assert logs.count('"drained: ') == 2


def last_seqs(core: Core, consultation_id: int) -> tuple[int, int]:
    with core.store.reading() as tx:
        row = tx.get_one(ConsultationRow, consultation_id)
        return row.last_seq, row.last_public_seq


def in_own_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run `coroutine` to its end in a new event loop on a thread of its own: the
    browser tests' Playwright keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
