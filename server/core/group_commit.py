"""Group commit: the small commands of a crowd share one transaction.

Why: every command locks its consultation's row and commits on its own, so when
most of 2,000 attendees vote within ten seconds, their ballots queue behind one
another, one transaction each. Ballots and question votes are small and
independent of one another, so they are *batched*: the commands waiting for one
consultation are handed together to a `Commit` function, which runs them in a
single transaction and returns one result (or error) per command. Each command
is acknowledged only after that commit, so nothing is acknowledged that is not
persisted; a refused command is refused alone (`each_in_savepoint` rolls it
back to its own savepoint).

No thread of its own: the first caller to find no batch running for its
consultation leads. Before taking the batch it waits for others to gather
(core/gathering.py: at least a yield, so that commands already received by
other green threads join it; up to 20 ms when the previous batch began less
than that ago); it commits the batch, wakes everyone in it, and hands the lead
to the first caller still waiting. Under light load a batch is one command, as
before; under a burst, batches grow to what arrived during the previous commit
or the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from server.core.lifecycle import check_not_ended

from . import receipts
from .access import Viewer, forget_locked, lock_consultation
from .errors import DomainError, Unavailable, try_again
from .gathering import Gathering
from .models import Consultation
from .runtime import Core
from .store import Store
from .unit_of_work import Outcome

log = logging.getLogger(__name__)

C = TypeVar("C")
T = TypeVar("T")


class ByViewer(Protocol):
    """A command a bulk write can take: it knows who sent it."""

    @property
    def viewer(self) -> Viewer: ...


V = TypeVar("V", bound=ByViewer)

# The most commands one transaction holds: bounds how long a batch keeps the lock.
MAX_BATCH = 250


@dataclass(frozen=True)
class Pending(Generic[C]):
    """One command waiting for the commit, and the receipt it must take if it has an id."""

    command: C
    claim: receipts.Claim | None


# A function committing a batch: one result, or the exception to raise, per command.
Commit = Callable[[Store, Sequence[Pending[Any]]], Sequence[Any]]


class _Request:
    """A command in a queue, and the gate its caller waits at until it is let through once."""

    __slots__ = ("pending", "gate", "done", "outcome")

    def __init__(self, pending: Pending[Any]) -> None:
        self.pending = pending
        # A lock taken at once: the caller blocks on it until the leader releases it,
        # when the command's batch committed or the lead passes to this caller.
        self.gate = threading.Lock()
        self.gate.acquire()
        self.done = False
        self.outcome: Any = None


class GroupCommit:
    """The batches of one kind of command on one store, one queue per consultation."""

    def __init__(
        self,
        store: Store,
        commit: Commit,
        max_batch: int = MAX_BATCH,
        gathering: Gathering | None = None,
    ) -> None:
        self._store = store
        self._commit = commit
        self._max_batch = max_batch
        self._gathering = gathering or Gathering(0.0)
        self._lock = threading.Lock()
        self._waiting: dict[int, list[_Request]] = {}
        self._leading: set[int] = set()  # consultations with a batch running

    def run(self, consultation_id: int, command: Any, claim: receipts.Claim | None = None) -> Any:
        """Commit `command` in the consultation's next batch; its result, or raise its error.

        `claim`: the receipt the command takes in its savepoint, if it was sent with an id.
        """
        request = _Request(Pending(command, claim))
        with self._lock:
            self._waiting.setdefault(consultation_id, []).append(request)
            leads = consultation_id not in self._leading
            self._leading.add(consultation_id)
        if not leads:
            request.gate.acquire()
        if not request.done:  # the lead was handed over: this caller's batch is next
            self._lead(consultation_id)
        if isinstance(request.outcome, BaseException):
            raise request.outcome
        return request.outcome

    def _lead(self, consultation_id: int) -> None:
        self._gathering.wait(consultation_id)
        with self._lock:
            queue = self._waiting[consultation_id]
            batch, queue[:] = queue[: self._max_batch], queue[self._max_batch :]
        outcomes: Sequence[Any] = []
        try:
            outcomes = self._outcomes(batch)
        finally:  # even if the leader is killed, no caller is left waiting
            for index, request in enumerate(batch):
                request.outcome = outcomes[index] if outcomes else try_again()
                request.done = True
                request.gate.release()
            with self._lock:
                if queue:
                    queue[0].gate.release()
                else:
                    del self._waiting[consultation_id]
                    self._leading.discard(consultation_id)

    def _outcomes(self, batch: list[_Request]) -> Sequence[Any]:
        """Each command's outcome; a batch whose shared commit failed is retried one by one.

        A command's own refusal is its own (each runs in a savepoint), but input
        that breaks the shared statements — a bulk INSERT or an `IN (…)` list —
        fails the whole transaction. Nothing of it was saved, so each command
        runs again alone and no honest command fails for another's input. When
        the store itself is unavailable, a retry would only add load: every
        command is refused with `try_again` at once.
        """
        pending = [request.pending for request in batch]
        try:
            outcomes = self._committed(pending)
        except Unavailable as error:
            return [error] * len(pending)
        except Exception as error:
            if len(pending) == 1:
                return [error]
            log.warning("a batch of %d failed (%r); committing each alone", len(pending), error)
            return [self._alone(each) for each in pending]
        return _checked(outcomes, len(pending))

    def _committed(self, pending: list[Pending[Any]]) -> Sequence[Any]:
        """The outcomes of one shared commit; if it fails, its receipts are given back."""
        try:
            return self._commit(self._store, pending)
        except Exception:  # the shared commit failed: nothing in it was saved
            for each in pending:
                receipts.give_back(each.claim)
            raise

    def _alone(self, pending: Pending[Any]) -> Any:
        try:
            return _checked(self._committed([pending]), 1)[0]
        except Exception as error:
            return error


def _checked(outcomes: Sequence[Any], count: int) -> Sequence[Any]:
    """`outcomes` if there is one per command; else the commit function is wrong (it did
    commit, so nothing is retried): each command gets the error."""
    if len(outcomes) == count:
        return outcomes
    return [RuntimeError(f"{len(outcomes)} outcomes for {count} commands")] * count


def each_in_savepoint(store: Store, batch: Sequence[Pending[Callable[[Session], T]]]) -> list[Any]:
    """A `Commit` for commands given as `work(tx)`: each alone in its own savepoint."""
    with store.transaction() as tx:
        outcomes = [in_savepoint(tx, pending.command, pending.claim) for pending in batch]
        _seal_acknowledgements(tx, batch, outcomes)
    return outcomes


# Writes, in one go, the commands of a batch it is sure of; their outcomes by index.
Bulk = Callable[[Session, Consultation, Sequence[Pending[V]]], dict[int, Any]]


def bulk_then_each(
    store: Store,
    batch: Sequence[Pending[V]],
    bulk: Bulk[V],
    single: Callable[[Session, V], Any],
) -> list[Any]:
    """A `Commit`: `bulk` writes what it is sure of, `single` runs every other command alone.

    The bulk write runs only while the consultation takes commands at all; each
    command it leaves runs `single(tx, command)` in its own savepoint, whose
    rules give every refusal.
    """
    outcomes: list[Any] = [None] * len(batch)
    with store.transaction() as tx:
        consultation = lock_consultation(tx, batch[0].command.viewer.consultation_id)
        if consultation is not None and not refused(check_not_ended, consultation.state):
            for index, outcome in bulk(tx, consultation, batch).items():
                outcomes[index] = outcome
        for index, pending in enumerate(batch):
            if outcomes[index] is None:
                work = partial(_alone, single, pending.command)
                outcomes[index] = in_savepoint(tx, work, pending.claim)
        _seal_acknowledgements(tx, batch, outcomes)
    return outcomes


def _alone(single: Callable[[Session, V], T], command: V, tx: Session) -> T:
    return single(tx, command)


def in_savepoint(tx: Session, work: Callable[[Session], T], claim: receipts.Claim | None) -> Any:
    """Run one command with its receipt in a savepoint: its result, or its error undone."""
    try:
        with tx.begin_nested():
            receipts.take(tx, claim)
            return work(tx)
    except Exception as error:  # raised again in the caller's own thread
        receipts.give_back(claim)
        forget_locked(tx)
        return error


def _seal_acknowledgements(tx: Session, batch: Sequence[Pending[Any]], outcomes: list[Any]) -> None:
    """Seal the acknowledgement of each command sent with an id into its receipt, in the
    batch's own transaction: a repeat is answered from the commit on, and keeping it
    takes no second transaction (core/acknowledgements.py)."""
    receipts.seal_all(
        tx,
        [
            (pending.claim, outcome.acknowledgement())
            for pending, outcome in zip(batch, outcomes, strict=True)
            if pending.claim is not None
            and pending.claim.receipt_id is not None
            and isinstance(outcome, Outcome)
        ],
    )


def refused(check: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    """Whether `check(...)` refuses: a bulk write then leaves the command to its single path."""
    try:
        check(*args, **kwargs)
    except (DomainError, receipts.Repeated):
        return True
    return False


def rows_by_id(tx: Session, model: Any, ids: Collection[Any]) -> dict[Any, Any]:
    """The rows of `model` with these ids, loaded in one query."""
    return {row.id: row for row in tx.scalars(_by_ids(model), {"ids": list(ids)})}


@cache
def _by_ids(model: Any) -> Select[Any]:
    """`model`'s rows by id, built once per model (docs/performance.md)."""
    return select(model).where(model.id.in_(bindparam("ids", expanding=True)))


class GroupCommits:
    """An application's group commits (`core.groups`): one per kind of command."""

    def __init__(self, window: float = 0.0) -> None:
        self._groups: dict[tuple[Store, Commit], GroupCommit] = {}
        self._lock = threading.Lock()
        self.window = window  # GATHER_WINDOW (core/gathering.py); each kind gathers apart

    def of(self, store: Store, commit: Commit) -> GroupCommit:
        with self._lock:
            group = self._groups.get((store, commit))
            if group is None:
                gathering = Gathering(self.window)
                group = GroupCommit(store, commit, gathering=gathering)
                self._groups[(store, commit)] = group
            return group


def one_after_another(core: Core) -> Core:
    """`core` for a caller that sends its commands one after another (a replay, a
    worker's connections recorded again): its batches are taken at once, as no other
    command could join them and each would wait out the gathering window for nothing."""
    return replace(core, groups=GroupCommits())


def batched(core: Core, consultation_id: int, command: Any, commit: Commit) -> Any:
    """Commit `command` with the others of its kind waiting on `core`'s store.

    The batch's shared transaction is the plain store's (`Store.shared`): it takes
    no single command's receipt; each command takes its own (`core.claim`) in its
    savepoint.
    """
    return core.groups.of(core.store.shared, commit).run(consultation_id, command, core.claim)
