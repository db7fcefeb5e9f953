"""The shared screen in the report: each choice of the moderator, said in the timeline."""

from __future__ import annotations

from server.core.events import Payload
from server.i18n import gettext as _
from server.reports.model import ReportContext, event_summary


@event_summary("screen_chosen")
def _chosen(ctx: ReportContext, payload: Payload) -> str:
    """What the moderator put on the shared screen (or that it follows the action)."""
    labels = {
        "agenda": _("Agenda item"),
        "question": _("The question"),
        "poll": _("The poll"),
        "floor": _("The speaker"),
        "join": _("Join card"),
    }
    shown = labels.get(str(payload.get("subject")), "")
    return f"{_('Follow the action')}: {shown}" if payload.get("follow") else shown
