"""A scripted consultation the report tests read: overruns, notes, comings and goings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.domain.events import ATTENDEE, RAPPORTEUR, EventDraft, projection
from server.reports import event_summary
from server.services import agenda, event_log, notes, presence
from server.services.access import Viewer
from server.storage.models import Consultation as ConsultationRow
from server.storage.models import Participant
from tests.conftest import Clock, Consultation, new_consultation

SECRET_NAME = "Secret Sam"
REMARK = "test_anonymous_remark"


@projection(REMARK, ATTENDEE, RAPPORTEUR)
def _hide_author(payload: dict[str, Any]) -> dict[str, Any]:
    """As a feature strips an anonymous author for everyone but moderators."""
    return {key: value for key, value in payload.items() if key != "author_name"}


event_summary(REMARK)(lambda ctx, payload: payload.get("text", ""))


def anonymous_remark(core: Any, c: Consultation, author: Viewer, text: str) -> None:
    """An attendee says something anonymously; moderators' log still knows who."""
    with core.store.transaction() as tx:
        consultation = tx.get_one(ConsultationRow, c.id, with_for_update=True)
        person = tx.get_one(Participant, author.participant_id)
        draft = EventDraft(REMARK, {"text": text, "author_name": person.display_name})
        event_log.append(tx, consultation, person, [draft], core.now())


@dataclass
class Scripted:
    consultation: Consultation
    rapporteur: Viewer
    attendees: dict[str, Viewer]


def run_script(core: Any, clock: Clock) -> Scripted:
    """09:30 WAT planned; opens at 09:31; item 1 overruns, item 2 is extended, item 3 overruns."""
    c = new_consultation(core)
    rapporteur = _claim(c, "Ngozi Okafor")
    people = {
        "amina": c.join(display_name="Amina", stakeholder_group="civil_society", country="NG"),
        "kofi": c.join(display_name="Kofi", stakeholder_group="academia", country="GH"),
        "zainab": c.join(display_name="Zainab", stakeholder_group="government", country="NG"),
        "sam": c.join(display_name=SECRET_NAME, stakeholder_group="private_sector", country="KE"),
        "anon": c.join(),
    }
    for key in ("amina", "kofi", "zainab"):
        presence.arrive(core, people[key], f"{c.id}-{key}", "worker")
    clock.advance(60)
    ids = c.item_ids()
    agenda.start_item(core, c.moderator, ids[0])
    presence.arrive(core, people["sam"], f"{c.id}-sam", "worker")
    presence.arrive(core, people["anon"], f"{c.id}-anon", "worker")
    notes.save_note(
        core, rapporteur, ids[0], "Welcome by the *chair*.\n- 40 countries | 3 regions", 1
    )
    clock.advance(6 * 60)  # one minute over its five
    agenda.next_item(core, c.moderator)
    presence.leave(core, f"{c.id}-kofi")
    agenda.extend_item(core, c.moderator, ids[1], 2)
    notes.save_note(core, rapporteur, ids[1], "Capacity gaps raised by =SUM(A1) delegates.", 2)
    clock.advance(30)
    notes.save_note(
        core,
        rapporteur,
        ids[1],
        "Capacity gaps raised by several delegates.\n\nFollow-up: training.",
        3,
    )
    anonymous_remark(core, c, people["sam"], "Who pays for the training?")
    clock.advance(16 * 60 - 30)
    agenda.next_item(core, c.moderator)
    notes.save_note(core, rapporteur, ids[2], '=HYPERLINK("http://evil.example","ratified")', 5)
    clock.advance(18 * 60)
    agenda.record_overruns(core)
    agenda.add_item(core, c.moderator, "Open floor", 10)
    agenda.next_item(core, c.moderator)
    notes.save_note(core, rapporteur, None, "Quorum reached; French interpretation available.", 6)
    clock.advance(4 * 60)
    presence.leave(core, f"{c.id}-sam")
    agenda.end_consultation(core, c.moderator)
    return Scripted(c, rapporteur, people)


def _claim(c: Consultation, name: str) -> Viewer:
    from server.services import consultations

    return consultations.claim_link(c.core, c.rapporteur_link, {"display_name": name}).viewer
