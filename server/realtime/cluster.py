"""Several workers behind one address: what they share through Redis, and faults survived.

With `REDIS_URL` set, each worker (one process, one event loop) joins a cluster:

- Socket.IO's Redis message queue carries every emit to every worker. Its
  listener here notices a dead connection (it pings when idle) and reconnects
  within a second, where the library's own backs off to a minute.
- Messages can be lost while Redis is away. Once it is back and the worker
  hears the queue again, it sends each audience its latest event again: clients
  ignore what they already hold, and a client that missed something sees the
  gap and asks for it (docs/api.md, "Staying in step").
- Each worker says it is alive every few seconds. Connections of a worker that
  stopped saying so (killed, say) are forgotten by the others, so presence
  counts only people who are really connected. A worker that was only cut off
  (from Redis, say) finds its key gone when it comes back and records its
  connections again, so its people count as present again.
- Each worker delivers an audience's events to its connections in the order of the
  log (realtime/event_order.py), whichever worker logged them.
- Coalesced tallies share one dirty set (tallies.RedisDirtySet).
- The integrity check is taken in turns: one worker reads it per period
  (core/turns.py), not every worker.

Everything else a worker needs from the others — the event log, sequence
numbers, presence, receipts — is in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
import socketio as python_socketio
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry

from server import metrics
from server.config import Config
from server.core import connection_rooms, emitter, inflight, rooms
from server.core.errors import Forbidden
from server.core.events import Payload
from server.core.group_commit import one_after_another
from server.core.pauses import Pause
from server.core.runtime import Core
from server.core.socket import socketio
from server.core.turns import RedisTurns
from server.features.presence import service as presence
from server.features.presence.attendance import head_count_moved

from .connection import WORKER
from .event_order import InOrder

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
# A worker silent this long is gone: its key expires, then the others wait as
# long again before forgetting its connections (a restarted Redis has lost
# every key until the live workers' next heartbeat).
SILENT_SECONDS = 6.0

# Beats after a silence during which this worker records its connections again:
# the others may still be forgetting them when its key comes back.
REJOIN_BEATS = 3

# Answer or fail at once: a command's handler must not wait out retries.
REDIS_OPTIONS: dict[str, Any] = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
    "retry": Retry(NoBackoff(), 0),
}


class MessageQueue(connection_rooms.RoomsOfEachConnection, python_socketio.RedisManager):  # type: ignore[misc]
    """Socket.IO's Redis manager, with a listener that cannot hang on a dead connection,
    each connection's rooms kept beside it (core/connection_rooms.py), and each
    audience's events delivered in the log's order (realtime/event_order.py)."""

    RETRY_SECONDS = 1.0
    PING_SECONDS = 5.0
    DEAD_SECONDS = 15.0

    def __init__(self, url: str, channel: str, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(url, channel=channel, redis_options=dict(REDIS_OPTIONS))
        # Set when messages may have been lost; the heartbeat repairs and clears it.
        self.lost = False
        # Whether this worker hears the queue now: subscribed, and not failed since.
        self.listening = False
        self._clock = clock
        self._pause = Pause(self.RETRY_SECONDS, clock)
        self.in_order = InOrder()
        self._ordering = threading.Lock()
        self._releasing: set[str] = set()  # rooms whose wait a green thread watches

    @property
    def needs_repair(self) -> bool:
        """Messages were lost and this worker hears the others again.

        Not before it hears them: what the others publish until then is lost too,
        so a repair sent earlier (which reaches this worker's own clients directly)
        would be followed by more losses and no repair.
        """
        return self.lost and self.listening

    def _handle_emit(self, message: dict[str, Any]) -> None:
        """Deliver to this worker's connections: an audience's events in the log's
        order, whether this worker emitted them or heard them from another."""
        room = message.get("room")
        if message.get("event") != "events" or not rooms.is_audience(room):
            super()._handle_emit(message)
            return
        with self._ordering:
            envelopes = self.in_order.take(room, message["data"][0], self._clock())
            self._deliver(message, envelopes)
            if self.in_order.waiting(room) is not None and room not in self._releasing:
                self._releasing.add(room)
                self.server.start_background_task(self._release, message)

    def _release(self, message: dict[str, Any]) -> None:
        """Let through what `message`'s room holds once it has waited long enough."""
        room = message["room"]
        while True:
            with self._ordering:
                since = self.in_order.waiting(room)
                if since is None:
                    self._releasing.discard(room)
                    return
                self._deliver(message, self.in_order.overdue(room, self._clock()))
                due = since + self.in_order.hold - self._clock()
            self.server.sleep(max(due, 0.01))

    def _deliver(self, message: dict[str, Any], envelopes: list[Payload]) -> None:
        if envelopes:
            super()._handle_emit({**message, "data": [envelopes]})

    def _publish(self, data: Any) -> Any:
        # After a failure, do not make every emit of the next second wait for
        # Redis; a skipped emit does not prolong the pause, or a busy worker
        # would never try again.
        if self._pause.on:
            self.lost = True
            return None
        with metrics.REDIS_PUBLISH_SECONDS.time():
            sent = super()._publish(data)
        if sent is None:  # the library gave up on this message
            self.lost = True
            self._pause.start()
        return sent

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        failed = False
        while True:
            pubsub = None
            try:
                client = redis.Redis.from_url(self.redis_url, **self.redis_options)
                pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                pubsub.subscribe(self.channel)
                if failed:
                    log.warning("message queue reconnected")
                    self.lost = True
                failed = False
                self.listening = True
                yield from self._messages(pubsub)
            except Exception as error:
                self.listening = False
                if not failed:
                    log.error("message queue lost (%s); reconnecting", error)
                failed = True
                if pubsub is not None:
                    pubsub.close()
                time.sleep(self.RETRY_SECONDS)

    def _messages(self, pubsub: Any) -> Iterator[Any]:
        heard = pinged = time.monotonic()
        while True:
            message = pubsub.get_message(timeout=1.0)
            now = time.monotonic()
            if message is not None:
                heard = now
                yield message
            elif now - heard > self.DEAD_SECONDS:
                raise ConnectionError("Redis stopped answering")
            elif now - pinged > self.PING_SECONDS:
                pubsub.ping()
                pinged = now


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, **REDIS_OPTIONS)


class Membership:
    """This worker's part in the cluster: its heartbeat, and repairs after faults."""

    def __init__(self, core: Core, client: redis.Redis, prefix: str, queue: MessageQueue) -> None:
        self.core = core
        self.client = client
        self.prefix = prefix
        self.queue = queue
        self.silent_since: dict[str, float] = {}
        self.rejoin_beats = 0

    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"

    def run(self) -> None:
        """Forever: say this worker is alive, repair lost messages, forget dead workers."""
        while True:
            try:
                self.beat()
            except Exception:  # Redis or the database away: try again next beat
                log.exception("cluster heartbeat failed")
            socketio.sleep(HEARTBEAT_SECONDS)

    def beat(self) -> None:
        if inflight.state.stopping:  # its key deleted: the others forget it at once
            return
        key = self.alive_key(WORKER)
        if not self.client.exists(key):  # silent long enough to be forgotten, or Redis new
            self.rejoin_beats = REJOIN_BEATS
        self.client.set(key, "1", ex=int(SILENT_SECONDS))
        if self.queue.needs_repair:
            self.queue.lost = False
            replay_latest(self.core)
        if self.rejoin_beats > 0:
            found = rejoin(self.core)  # if it fails, the next beat tries again
            self.rejoin_beats = max(self.rejoin_beats - 1, 1 if found else 0)
        self.forget_silent_workers()

    def forget_silent_workers(self) -> None:
        now = time.monotonic()
        for worker in presence.workers_other_than(self.core, WORKER):
            if self.client.exists(self.alive_key(worker)):
                self.silent_since.pop(worker, None)
            elif now - self.silent_since.setdefault(worker, now) >= SILENT_SECONDS:
                log.warning("worker %s is gone; forgetting its connections", worker)
                forget_connections_of(self.core, worker)
                self.silent_since.pop(worker, None)


def forget_connections_of(core: Core, worker: str) -> None:
    """Log the departure of everyone connected through `worker`, as if they had left."""
    one_by_one = one_after_another(core)
    for sid in presence.connections_through(core, worker):
        consultation_id, events = presence.leave(one_by_one, sid)
        emitter.publish(core, events)
        if consultation_id is not None:
            head_count_moved(core, consultation_id)


def rejoin(core: Core) -> int:
    """Record again, and log as arrived, this worker's connections that the others
    forgot while it was silent; how many there were."""
    held = dict(core.held)
    recorded = set(presence.connections_through(core, WORKER))
    missing = [(sid, viewer) for sid, viewer in held.items() if sid not in recorded]
    if missing:
        log.warning("back in the cluster: recording %d connections again", len(missing))
    one_by_one = one_after_another(core)
    for sid, viewer in missing:
        if sid not in core.held:  # gone meanwhile
            continue
        try:
            emitter.publish(core, presence.arrive(one_by_one, viewer, sid, WORKER))
        except Forbidden as error:  # its link revoked meanwhile: drop it
            log.info("connection %s not recorded again: %s", sid, error.code)
            socketio.server.disconnect(sid, namespace="/", ignore_queue=True)
            continue
        if sid not in core.held:  # it closed while being recorded: forget it after all
            emitter.publish(core, presence.leave(one_by_one, sid)[1])
        head_count_moved(core, viewer.consultation_id)
    return len(missing)


def replay_latest(core: Core) -> None:
    """Send every audience of every attended consultation its latest event again."""
    consultation_ids, latest = presence.latest_events_of_attended(core)
    for consultation_id in consultation_ids:
        head_count_moved(core, consultation_id)
    log.info("replaying the latest of %d events after lost messages", len(latest))
    emitter.publish(core, latest)


def configure(app: Flask, config: Config) -> MessageQueue | connection_rooms.Manager:
    """Socket.IO's manager of rooms: with Redis, the queue that shares them and the
    tallies with the other workers; without, this worker's own."""
    if not config.redis_url:
        return connection_rooms.Manager()
    core = app.extensions["baraza"]
    client = redis_client(config.redis_url)
    core.tallies.share_through(client, config.redis_prefix)
    core.turns = RedisTurns(client, config.redis_prefix)
    queue = MessageQueue(config.redis_url, channel=f"{config.redis_prefix}:socketio")
    app.extensions["baraza_cluster"] = Membership(core, client, config.redis_prefix, queue)
    return queue


def start_background_tasks(app: Flask) -> None:
    membership = app.extensions.get("baraza_cluster")
    if membership is not None:
        socketio.start_background_task(membership.run)
