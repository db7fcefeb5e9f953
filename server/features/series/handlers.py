"""Series commands from a regional consultation's console.

Moderator → `key_poll` {poll_id, option_keys}: after rewording or reordering a
shared poll's options in a draft, say which shared option each one is again;
staff hear `poll_keyed`. Everything else about a series (creating it, adding
consultations, the organiser's view and the comparison) is HTTP, with the
organiser link (server/web/series_api.py).
"""

from __future__ import annotations

from server.core.commands import command_to

from . import service as series

command_to("key_poll", series.key_poll, "poll_id", "option_keys")
