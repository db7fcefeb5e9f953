"""Link commands: a moderator replaces a leaked moderator or rapporteur link, or revokes
an invitation's personal link.

Replacing a link cuts off at once every connection made with it, on every
worker: revoking access must not leave a socket in the staff rooms.
"""

from __future__ import annotations

from typing import Any

from server.core.access import Viewer
from server.core.features import Feature
from server.core.runtime import Core
from server.core.unit_of_work import Outcome
from server.features.consultations import service as consultations
from server.features.invitations import service as invitations

from .connection import drop_revoked


def replace_link(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → all links of `role` revoked; the reply holds the new token, once."""
    outcome = consultations.replace_link(core, viewer, data.get("role"))
    drop_revoked(core, viewer.consultation_id)
    return outcome


def revoke_invitation(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → the invitation revoked: its link stops working, and its person's
    connections are closed (staff hear `invitation_revoked`)."""
    outcome = invitations.revoke(core, viewer, data.get("invitation_id"))
    drop_revoked(core, viewer.consultation_id)
    return outcome


# Installed by server/bootstrap.py with the consultations feature.
FEATURE = Feature(
    "links", commands={"replace_link": replace_link, "revoke_invitation": revoke_invitation}
)
