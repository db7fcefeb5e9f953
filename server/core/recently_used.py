"""A bounded mapping that keeps what was used last: the application's kept counts
(core/tallies.py) and the views attendees share (core/shared_views.py).

Safe across green threads and threads: `build` runs outside the lock, since it reads
the database and may switch, so two readers missing one key at once may both build
it; the last one built is kept. Keys say which state a value was built from (a poll's
revision, a consultation's `last_shared_seq`), so either build is right."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentlyUsed(Generic[K, V]):
    """The `size` values most recently used, by key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, build: Callable[[], V]) -> tuple[V, bool]:
        """The value under `key`, and whether it was kept; built by `build()` and kept
        if it was not, the least recently used let go past `size`."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key], True
        built = build()
        with self._lock:
            self._entries[key] = built
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return built, False
