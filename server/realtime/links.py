"""Staff link commands: a moderator replaces a leaked moderator or rapporteur link."""

from __future__ import annotations

from typing import Any

from ..services import consultations
from ..services.access import Viewer
from ..services.core import Core
from .commands import Outcome, command


@command("replace_link")
def replace_link(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → all links of `role` revoked; the reply holds the new token, once."""
    token, events = consultations.replace_link(core, viewer, data.get("role"))
    return Outcome(events, {"token": token})
