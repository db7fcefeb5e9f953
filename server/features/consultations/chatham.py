"""The Chatham House switch: moderators put a consultation under the rule, or take it off.

Under the rule (`settings.chatham_house`, core/chatham.py) attendees' pages, the
present view, every event and snapshot they receive and the shareable report name
no participant; the moderators' console and the full record keep the names, the
full record marked "staff only". It may be set in the agenda file and switched
live either way, ended consultations included (before the report is shared, say):
the log keeps who switched and when (`chatham_house_set`, a public event, so every
page reads its snapshot again and re-renders; the report's timeline says it in
server/reports/foundation.py).
"""

from __future__ import annotations

from typing import Any

from server.core import chatham
from server.core.access import Viewer
from server.core.events import MODERATOR, EventDraft
from server.core.runtime import Core
from server.core.unit_of_work import Outcome, unit_of_work

from .rules import parse_chatham_house

EVENT = "chatham_house_set"


def set_chatham_house(core: Core, viewer: Viewer, on: Any) -> Outcome:
    """Put the consultation under the Chatham House rule, or take it off; the same again
    logs nothing."""
    wanted = parse_chatham_house(on)
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        consultation = uow.consultation
        if chatham.applies_to(consultation) != wanted:
            consultation.settings = {**consultation.settings, chatham.KEY: wanted}
            uow.log([EventDraft(EVENT, {"on": wanted})])
        uow.reply(chatham_house=wanted)
    return uow.outcome
