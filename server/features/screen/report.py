"""The shared screen in the report and the archive: each choice of the moderator, said in
the timeline; the id it names renumbered with the archive's rows."""

from __future__ import annotations

from server.core.events import Payload
from server.i18n import gettext as _
from server.reports.json_archive import Remap, remap_fields
from server.reports.model import ReportContext

# The rows a choice's `id` names, by subject (the floor: the speaker's hand).
ID_KINDS = {"question": "question", "poll": "poll", "floor": "speaker_hand"}


def chosen_summary(ctx: ReportContext, payload: Payload) -> str:
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


def chosen_payload(payload: Payload, remap: Remap) -> Payload:
    kind = ID_KINDS.get(str(payload.get("subject")))
    if kind is None or payload.get("id") is None:
        return payload
    return remap_fields(payload, remap, {"id": kind})
