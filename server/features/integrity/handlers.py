"""Integrity commands: a moderator decides what becomes of a flag's ballots and upvotes.

The flags themselves are raised by the server's clock (service.check_due), never by
a client.
"""

from __future__ import annotations

from server.core.commands import Handler, calling

from . import service

# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    # Moderator → the flag's ballots and upvotes leave every count and report (kept in
    # the record); staff hear `integrity_flag_excluded`, everyone new counts.
    "exclude_flagged": calling(service.exclude_flagged, "flag_id", "reason"),
    # Moderator → they count again; staff hear `integrity_flag_included`.
    "include_flagged": calling(service.include_flagged, "flag_id", "reason"),
    # Moderator → the flag stays, dismissed; staff hear `integrity_flag_dismissed`.
    "dismiss_flag": calling(service.dismiss_flag, "flag_id", "reason"),
}
