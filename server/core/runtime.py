"""What every service needs, one per application: the store, the clock, the installed
features (`wiring`), and the state the server keeps between commands (the pacer of
events, the dirty tallies and kept counts, the views attendees share, the group
commits, the connections this worker holds and those it saw close, the join codes it
has read)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from flask import current_app

from .departures import Departures
from .emitter import Pacer
from .shared_views import SharedViews
from .store import Store
from .tallies import Tallies
from .turns import Turns
from .wiring import Wiring

if TYPE_CHECKING:
    from .access import Viewer
    from .group_commit import GroupCommits
    from .receipts import Claim


def utcnow() -> datetime:
    return datetime.now(UTC)


def _group_commits() -> GroupCommits:
    from .group_commit import GroupCommits  # it imports this module

    return GroupCommits()


@dataclass
class Core:
    """The application's runtime, made by `create_app` (tests make their own).

    `clock` tells the time of day; `timer` measures intervals in seconds (rate limits).
    `wiring` is what the application's features add, installed (core/wiring.py: the
    commands, the projections, the topics, the report's parts…), made by
    `bootstrap.wire()`; it is always given, so a core never runs an empty list by mistake.
    `claim` is set only on a command's own copy (`taking`): the receipt its write
    transactions take, so that a retried command takes effect once.
    """

    store: Store
    clock: Callable[[], datetime] = field(default=utcnow)
    timer: Callable[[], float] = field(default=time.monotonic)
    pacer: Pacer = field(default_factory=Pacer)
    tallies: Tallies = field(default_factory=Tallies)
    # What every attendee's snapshot shares, by consultation (core/shared_views.py).
    shared: SharedViews = field(default_factory=SharedViews)
    groups: GroupCommits = field(default_factory=_group_commits)
    # This worker's Socket.IO connections, by sid (realtime/connection.py keeps them).
    held: dict[str, Viewer] = field(default_factory=dict)
    # Its connections closed but still counted present for a grace (core/departures.py).
    departures: Departures = field(default_factory=Departures)
    # Join codes already read, by consultation id (they never change; core/logs.py).
    join_codes: dict[int, str] = field(default_factory=dict)
    # And the other way, consultations by join code (features/consultations/service.py).
    consultation_ids: dict[str, int] = field(default_factory=dict)
    # Whose turn it is to do the cluster's periodic work (core/turns.py).
    turns: Turns = field(default_factory=Turns)
    claim: Claim | None = None
    _: KW_ONLY
    wiring: Wiring

    def now(self) -> datetime:
        return self.clock()

    def taking(self, claim: Claim) -> Core:
        """This core for one command: its first write transaction takes `claim`'s receipt."""
        return replace(self, store=self.store.taking(claim), claim=claim)


def current_core() -> Core:
    """The running application's core: one per app, kept in `app.extensions`."""
    return cast(Core, current_app.extensions["baraza"])
