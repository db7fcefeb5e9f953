"""The views every attendee's snapshot shares, built once per state of the consultation.

An attendee's snapshot is mostly the same for every attendee: the agenda, the question
queue, the speakers' queue, the polls, what the screen shows, what is published. Only
what is theirs (their own questions, votes, hands, ballots), the head count and the
clocks differ. Every event that may
change the shared part moves the consultation's `last_shared_seq` in its transaction;
joins, arrivals and departures do not (`EventDraft.shared`). So at 09:30, when two
thousand people arrive, the shared views are read and built once, not once each.

A part asks for a view by name (`shared(tx, "questions", build)`); the snapshot says,
for attendees only, under which state its transaction reads (`sharing`). Everything a
view is built from must be read in that transaction and must not depend on the time or
on who is connected. Views are kept as built and never changed: a part copies what it
adds to.

With `check` on (the tests), every view served from memory is built again and compared:
a view that an unshared event changed fails the snapshot rather than go out stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from .models import Consultation
from .recently_used import RecentlyUsed

T = TypeVar("T")

_SHARING = "baraza.shared_views"


class StaleView(RuntimeError):
    """A kept view differs from the one built again (`check`): some event that changes
    it does not move `last_shared_seq`."""


class SharedViews:
    """Views by (consultation, name), each as of the latest `last_shared_seq` built; the
    most recently used `size` kept. A reader behind another (a replica, a longer
    transaction) builds its own and leaves the later one kept."""

    def __init__(self, size: int = 256, check: bool = False) -> None:
        self._check = check
        self._views: RecentlyUsed[tuple[int, str], Any] = RecentlyUsed(size)

    @property
    def checking(self) -> bool:
        """Whether what is kept is checked against what is read afresh (the tests)."""
        return self._check

    def get(self, key: tuple[int, str], seq: int, build: Callable[[], T]) -> T:
        """The view under `key` as of `seq`, built by `build()` if not kept."""
        view, kept = self._views.get(key, seq, build)
        if kept and self._check and (fresh := build()) != view:
            raise StaleView(f"{key} at {seq}: kept {view!r}, built {fresh!r}")
        return cast(T, view)


def sharing(tx: Session, views: SharedViews, consultation: Consultation) -> None:
    """Let the parts reading in `tx` (an attendee's snapshot) take views from `views`."""
    tx.info[_SHARING] = (views, consultation.id, consultation.last_shared_seq)


def shared(tx: Session, name: str, build: Callable[[], T]) -> T:
    """The view `name` of the consultation `tx` reads for an attendee, kept or built;
    built afresh in a transaction not `sharing` (a moderator's snapshot)."""
    found = tx.info.get(_SHARING)
    if found is None:
        return build()
    views, consultation_id, seq = found
    return cast(SharedViews, views).get((consultation_id, name), seq, build)
