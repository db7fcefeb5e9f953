"""The privacy feature's lines in the full record's timeline: never a name."""

from __future__ import annotations

from typing import Any

from server.core.events import Payload
from server.i18n import gettext as _
from server.reports.json_archive import Remap, remap_fields


def accepted_summary(_ctx: Any, payload: dict[str, Any]) -> str:
    return _(
        "privacy notice version %(version)s, in %(language)s",
        version=str(payload.get("version", "")),
        language=str(payload.get("language", "")),
    )


def erased_summary(_ctx: Any, payload: dict[str, Any]) -> str:
    return _(
        "a participant's name, at their request, from %(n)s log entries", n=payload.get("events", 0)
    )


def person_payload(payload: Payload, remap: Remap) -> Payload:
    """An imported archive's entry names the person by their new id."""
    return remap_fields(payload, remap, {"participant_id": "participant"})
