"""The features Baraza runs, in one list: `create_app` (and the tests) import it.

A feature's modules register what they offer as they are imported: commands
(`handlers.py`), parts of the snapshot and creation hooks (`service.py`), parts of
the report, CSV tables and archive records (`report.py`). Nothing else imports
those modules for their registrations, so adding a feature is adding its folder and
its lines here — and what runs is what this list says, whatever was imported first.
"""

from __future__ import annotations

from types import ModuleType

from .features.agenda import handlers as agenda_handlers
from .features.agenda import service as agenda_service
from .features.consultations import service as consultations_service
from .features.notes import handlers as notes_handlers
from .features.notes import service as notes_service
from .features.polls import handlers as polls_handlers
from .features.polls import report as polls_report
from .features.polls import service as polls_service
from .features.presence import attendance as presence_attendance
from .features.presence import service as presence_service
from .features.questions import handlers as questions_handlers
from .features.questions import report as questions_report
from .features.questions import service as questions_service
from .features.series import handlers as series_handlers
from .features.series import service as series_service
from .features.speakers import handlers as speakers_handlers
from .features.speakers import report as speakers_report
from .features.speakers import service as speakers_service
from .realtime import links as consultations_links
from .reports import foundation as foundation_report

FEATURES: dict[str, tuple[ModuleType, ...]] = {
    "consultations": (consultations_service, consultations_links, foundation_report),
    "agenda": (agenda_service, agenda_handlers),
    "questions": (questions_service, questions_handlers, questions_report),
    "polls": (polls_service, polls_handlers, polls_report),
    "speakers": (speakers_service, speakers_handlers, speakers_report),
    "notes": (notes_service, notes_handlers),
    "presence": (presence_service, presence_attendance),
    "series": (series_service, series_handlers),
}
