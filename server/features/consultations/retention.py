"""Personal data kept no longer than the organiser said: names go N days after the end.

Each consultation keeps personal data `settings.retention.days` days after it ends
(30 unless its agenda file says otherwise). Then, in one transaction:

- every participant's display name and device hash are erased, staff included, and the
  registration list's names and e-mail addresses (features/invitations);
- the same names copied into the log (`display_name`, `author_name` in any payload)
  are erased too, so that no report or replay brings them back;
- the consultation is marked erased, and the log says so (`personal_data_erased`).

What stays is the anonymous record: questions, votes, ballots, hands, times, and each
person's stakeholder group and country, which the reports count and which, without
a name, no longer point at anyone. The reports are therefore the same apart from the
names. Running it again changes nothing (the mark), so every worker may run it: the
server's clock (realtime/ticker.py) does, and `flask erase-personal-data` on demand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from server.core import event_log
from server.core.access import lock_consultation
from server.core.chatham import nameless
from server.core.events import STAFF, EventDraft, LoggedEvent
from server.core.lifecycle import ENDED
from server.core.models import Consultation, Event, Invitation, Participant
from server.core.runtime import Core

from .rules import retention_days

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    """What one erasure did, for the log line and the command line."""

    join_code: str
    participants: int
    events: int
    logged: list[LoggedEvent]


def due(consultation: Consultation, now: datetime) -> bool:
    """Ended, not yet erased, and its retention period over."""
    if consultation.ended_at is None or consultation.personal_data_erased_at is not None:
        return False
    kept = timedelta(days=retention_days(consultation.settings))
    return consultation.ended_at + kept <= now


def erase_due(core: Core) -> list[Erased]:
    """Erase the personal data of every consultation whose retention period is over."""
    now = core.now()
    with core.store.reading() as tx:
        ended = tx.scalars(
            select(Consultation)
            .where(Consultation.state == ENDED)
            .where(Consultation.personal_data_erased_at.is_(None))
        ).all()
        ids = [consultation.id for consultation in ended if due(consultation, now)]
    done = [erase(core, consultation_id) for consultation_id in ids]
    return [erased for erased in done if erased is not None]


def log_due(core: Core) -> list[LoggedEvent]:
    """The server clock's check: erase what is due; the log entries to publish."""
    return [event for erased in erase_due(core) for event in erased.logged]


def erase(core: Core, consultation_id: int) -> Erased | None:
    """Erase one consultation's personal data now; None if it was already done."""
    now = core.now()
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        if consultation is None or consultation.personal_data_erased_at is not None:
            return None
        erased = tx.execute(
            update(Participant)
            .where(Participant.consultation_id == consultation_id)
            .values(display_name="", device_hash=None)
        )
        people: int = erased.rowcount  # type: ignore[attr-defined]
        tx.execute(
            update(Invitation)
            .where(Invitation.consultation_id == consultation_id)
            .values(display_name="", email="")
        )
        events = 0
        for event in tx.scalars(select(Event).where(Event.consultation_id == consultation_id)):
            scrubbed = nameless(event.payload)
            if scrubbed != event.payload:
                event.payload = scrubbed
                events += 1
        consultation.personal_data_erased_at = now
        counts = {"participants": people, "events": events}
        draft = EventDraft("personal_data_erased", counts, STAFF)
        logged = event_log.append(tx, consultation, None, [draft], now)
        code = consultation.join_code
    log.info("personal data erased", extra={"consultation": code, **counts})
    return Erased(code, people, events, logged)
