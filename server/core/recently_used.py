"""A bounded mapping that keeps, for the keys used last, the latest revision of each
value: the application's kept counts (core/tallies.py) and the views attendees share
(core/shared_views.py).

One value a key, not one a revision: through a vote burst a poll's revision moves at
every tally tick, and a word cloud's or an open-text poll's counts (about 100 KB each,
with their answers) kept once per revision, which no later read asks for, were most
of what the soak's memory grew by (docs/performance.md, step 70).

Safe across green threads and threads: `build` runs outside the lock, since it reads
the database and may switch, so two readers missing one key at once may both build
it; the last one built is kept. A reader behind another (a replica, a longer
transaction) builds its own and does not displace the later revision kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentlyUsed(Generic[K, V]):
    """The latest revision of the value under each of the `size` keys most recently used."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, tuple[int, V]] = OrderedDict()

    def get(self, key: K, revision: int, build: Callable[[], V]) -> tuple[V, bool]:
        """The value under `key` at `revision`, and whether it was kept; built by
        `build()` if not, and kept unless a later revision is, the least recently used
        key let go past `size`."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] == revision:
                self._entries.move_to_end(key)
                return kept[1], True
        built = build()
        with self._lock:
            kept = self._entries.get(key)
            if kept is None or kept[0] < revision:
                self._entries[key] = (revision, built)
                self._entries.move_to_end(key)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return built, False
