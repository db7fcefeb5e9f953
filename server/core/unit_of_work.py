"""One unit of work for every command, and the one result every command returns.

A command opens `unit_of_work(core, viewer, roles=…)`: one transaction, the
consultation locked, the actor checked for the roles, and — unless the command
says `not_ended=False` — refused once the consultation has ended. Inside, the
command changes state and says what follows from it: `uow.log(drafts)` numbers
events in the same transaction, `uow.notify(...)` tells one person about
themselves, `uow.recount(topic, key)` marks a coalesced tally, `uow.reply(...)`
adds to the acknowledgement. Nothing is sent from here: after the block commits,
`uow.outcome` holds it all, and the command registry (core/commands.py) sends it.
A write that rolls back raises instead, so it announces nothing.

A feature that follows what others log (the shared screen follows the action)
declares a follower in its `Feature`: called with every batch a unit of work logs,
in the same transaction, it may mark a tally or log events of its own (which the
followers see in turn).

Commands committed in a group (core/group_commit.py) open theirs with `within`,
on the batch's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import event_log
from .access import Viewer, open_command
from .events import EventDraft, LoggedEvent, Payload
from .lifecycle import check_not_ended
from .models import Consultation, Participant
from .runtime import Core


@dataclass(frozen=True)
class Notice:
    """Something to tell one person about their own things (`notice` on their pages)."""

    participant_id: int
    kind: str
    data: Payload


@dataclass(frozen=True)
class Recount:
    """A coalesced tally to push again: `topic` of a consultation, for `key` (core/tallies.py)."""

    consultation_id: int
    topic: str
    key: Any = None


@dataclass
class Outcome:
    """What a committed command did: its logged events, its reply, and what to send."""

    events: list[LoggedEvent] = field(default_factory=list)
    reply: Payload = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    recounts: list[Recount] = field(default_factory=list)

    def acknowledgement(self) -> dict[str, Any]:
        """What the sender is answered, and a repeat of the command after it."""
        return {"ok": True, **self.reply}


Follower = Callable[["UnitOfWork", list[LoggedEvent]], None]


@dataclass
class UnitOfWork:
    """One command's transaction, its consultation (locked) and actor, and its outcome."""

    tx: Session
    consultation: Consultation
    actor: Participant
    now: datetime
    followers: Sequence[Follower] = ()  # the application's (`core.wiring.followers`)
    outcome: Outcome = field(default_factory=Outcome)

    def log(
        self, drafts: Iterable[EventDraft], *, actor: Participant | None = None
    ) -> list[LoggedEvent]:
        """Number and store `drafts` in this transaction, as the actor's (or as `actor`'s)."""
        logged = event_log.append(self.tx, self.consultation, actor or self.actor, drafts, self.now)
        self.record(logged)
        return logged

    def record(self, logged: list[LoggedEvent]) -> None:
        """Events logged for this command (by `log`, or with its batch's in bulk): kept in
        its outcome and shown to the followers."""
        self.outcome.events += logged
        for follow in self.followers:
            follow(self, logged)

    def notify(self, participant_id: int, kind: str, data: Payload) -> None:
        self.outcome.notices.append(Notice(participant_id, kind, data))

    def recount(self, topic: str, key: Any = None) -> None:
        self.outcome.recounts.append(Recount(self.consultation.id, topic, key))

    def reply(self, **fields: Any) -> None:
        self.outcome.reply.update(fields)


@contextmanager
def unit_of_work(
    core: Core, viewer: Viewer, roles: Collection[str], *, not_ended: bool = True
) -> Iterator[UnitOfWork]:
    """One command in one transaction; its outcome is `uow.outcome` once the block commits."""
    now = core.now()
    with core.store.transaction() as tx:
        yield within(tx, viewer, roles, now, core.wiring.followers, not_ended=not_ended)


def within(
    tx: Session,
    viewer: Viewer,
    roles: Collection[str],
    now: datetime,
    followers: Sequence[Follower],
    *,
    not_ended: bool = True,
) -> UnitOfWork:
    """A unit of work in a transaction already open (a group commit's savepoint), calling
    the application's `followers` (`core.wiring.followers`)."""
    consultation, actor = open_command(tx, viewer, roles)
    if not_ended:
        check_not_ended(consultation.state)
    return UnitOfWork(tx, consultation, actor, now, followers)
