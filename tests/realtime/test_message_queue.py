"""The message queue when Redis goes away and comes back, on a redis-server of the test's own.

A worker that could not publish pauses for a second instead of making every emit
wait for Redis, and tries again after it however busy it is. Messages lost
meanwhile are repaired by the heartbeat (every audience sent its latest event
again), but only once the worker hears the queue again: until then the others'
messages are lost too, and a repair sent earlier would be followed by more losses.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from server.realtime.cluster import Membership, MessageQueue, redis_client
from tests.cluster.faults import RedisServer
from tests.conftest import wait_until

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.stop()


class Listening:
    """The worker's listener, as Socket.IO runs it: a thread reading the queue."""

    def __init__(self, queue: MessageQueue) -> None:
        self.queue = queue
        self.heard: list[bytes] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for message in self.queue._listen():
            if self._stopping.is_set():
                return
            self.heard.append(message)

    def stop(self) -> None:
        """End the thread: it looks at the flag on the next message it hears."""
        self._stopping.set()
        wait_until(lambda: self.queue.listening, 10)
        redis_client(self.queue.redis_url).publish(self.queue.channel, b"stop")
        self._thread.join(timeout=10)


def test_a_worker_that_could_not_publish_tries_again_a_second_later_however_busy(
    redis_server,
):
    now = [0.0]
    queue = MessageQueue(redis_server.url, "test-queue", clock=lambda: now[0])
    assert queue._publish({"n": 1}) == 0  # sent (nobody subscribed to hear it)
    assert not queue.lost

    redis_server.stop()
    assert queue._publish({"n": 2}) is None
    assert queue.lost
    redis_server.start()
    now[0] = 0.5
    assert queue._publish({"n": 3}) is None  # paused: the emit does not wait for Redis
    now[0] = 1.2  # a second after the failure, though an emit was skipped 0.7 s ago
    assert queue._publish({"n": 4}) == 0


def test_lost_messages_are_repaired_once_the_worker_hears_the_queue_again(core, redis_server, app):
    """`app`: the repair's emits need the Socket.IO server a worker has; without one made
    in this process, the repair failed whenever the shared PostgreSQL database held
    another test's attended consultation to replay."""
    queue = MessageQueue(redis_server.url, f"test-{uuid.uuid4().hex[:8]}")
    membership = Membership(core, redis_client(redis_server.url), "test", queue)
    redis_server.stop()
    queue._publish({"n": 1})
    assert queue.lost
    redis_server.start()

    membership.beat()  # Redis is back, but this worker does not hear the queue yet
    assert queue.lost and not queue.needs_repair

    listening = Listening(queue)
    wait_until(lambda: queue.listening, 10)
    membership.beat()
    assert not queue.lost  # repaired

    redis_server.stop()
    wait_until(lambda: not queue.listening, 10)
    redis_server.start()
    wait_until(lambda: queue.listening, 10)
    assert queue.needs_repair  # what the others sent meanwhile is lost to this worker
    membership.beat()
    assert not queue.lost
    listening.stop()
