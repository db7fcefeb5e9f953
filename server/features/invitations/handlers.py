"""The invitations' commands (a moderator's, from the console or the JSON API).

Moderator → `set_participation {"mode"?: "open"|"invited", "walk_in_questions"?: bool}`;
everyone gets `participation_changed`. Revoking an invitation (`revoke_invitation`)
also closes its person's connections, so it is installed by server/realtime/links.py.
Importing a registration list is an upload (server/web/invitations.py), not a command.
"""

from __future__ import annotations

from typing import Any

from server.core.access import Viewer
from server.core.commands import Handler
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import service


def set_participation(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Moderator → the participation settings changed; every audience hears them."""
    return service.set_participation(core, viewer, data)


# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {"set_participation": set_participation}
