"""The server's clock: a background task that logs what time alone changes.

Each tick runs every timed check due on it, each on its own, so one failing (a
database blip, say) does not skip the others. A check that reads for the whole
cluster runs on one worker per period (core/turns.py); the others run on every
worker, as what they act on is the worker's own or cheap to read.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from server.core import emitter
from server.core.events import LoggedEvent
from server.core.runtime import Core
from server.core.socket import socketio
from server.features.agenda import service as agenda
from server.features.consultations import retention
from server.features.integrity import service as integrity
from server.features.notes import service as notes
from server.features.presence import service as presence
from server.features.speakers import service as speakers

log = logging.getLogger(__name__)

TICK_SECONDS = 2.0


@dataclass(frozen=True)
class TimedCheck:
    """A check the clock runs on every `every`-th tick; `in_turns`: on one worker of a
    cluster per period of `every` ticks."""

    run: Callable[[Core], list[LoggedEvent]]
    every: int = 1
    in_turns: bool = False


# The integrity check reads every join, ballot and upvote of the last minute or two:
# on every tick, a vote's 2,000 ballots were read 35 times over and took an eighth of
# the worker during the burst (docs/performance.md, step 76). Every 10 s, a burst
# is still seen whole (signals.OVERLAP) and flagged within seconds of its end.
INTEGRITY_TICKS = 5

CHECKS: tuple[TimedCheck, ...] = (
    TimedCheck(agenda.record_overruns),  # an agenda item used up its time
    TimedCheck(speakers.record_overruns),  # a speaker used up theirs
    TimedCheck(notes.log_pending),  # a rapporteur's note waiting for its minute's log entry
    TimedCheck(retention.log_due),  # a consultation whose personal data is due to be erased
    # joins and votes staff should look at (integrity flags); each worker would read the
    # same rows and raise the same flags (docs/performance.md, step 82)
    TimedCheck(integrity.check_due, every=INTEGRITY_TICKS, in_turns=True),
    TimedCheck(presence.leave_due),  # a closed connection whose grace ran out (core/departures.py)
)


def run_ticker(core: Core) -> None:
    """Forever: every few seconds, run the timed checks due and publish what they logged."""
    for number in itertools.count(1):
        socketio.sleep(TICK_SECONDS)
        tick(core, number)


def tick(core: Core, number: int, checks: Sequence[TimedCheck] = CHECKS) -> None:
    """The clock's `number`-th tick: each check due on it, alone."""
    for check in checks:
        if number % check.every or not _my_turn(core, check):
            continue
        try:
            emitter.publish(core, check.run(core))
        except Exception:  # the clock must outlive a failed check
            log.exception("timed check %s failed", check.run.__qualname__)


def _my_turn(core: Core, check: TimedCheck) -> bool:
    """Whether this worker runs `check` now: always, unless it is run in turns and
    another worker took this period of the wall clock."""
    if not check.in_turns:
        return True
    period = int(core.now().timestamp() // (check.every * TICK_SECONDS))
    return core.turns.take(f"{check.run.__module__}.{check.run.__qualname__}", period)
