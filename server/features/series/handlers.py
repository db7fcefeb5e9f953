"""Series commands from a regional consultation's console.

Moderator → `key_poll` {poll_id, option_keys}: after rewording or reordering a
shared poll's options in a draft, say which shared option each one is again;
staff hear `poll_keyed`. Everything else about a series (creating it, adding
consultations, the organiser's view and the comparison) is HTTP, with the
organiser link (server/web/series_api.py, server/web/series_pages.py).
"""

from __future__ import annotations

from server.core.commands import Handler, calling

from . import service as series

# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "key_poll": calling(series.key_poll, "poll_id", "option_keys"),
}
