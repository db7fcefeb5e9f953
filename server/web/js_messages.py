"""Sentences the foundation's scripts show, translated on the server.

templates/base.html renders them as `<template data-messages="core">` (data, not
script, so the Content-Security-Policy stays strict); static/js/core/messages.js reads it.
"""

from __future__ import annotations

from flask_babel import gettext, pgettext

from server.core.errors import N_

MESSAGES = {
    "not_started": N_("Not started yet"),
    "next": N_("Next: %(title)s"),
    "over_time": N_("Over time by %(duration)s"),
    "late": N_("%(duration)s late"),
    "minutes": N_("%(minutes)s min"),
    "of_planned": N_("%(elapsed)s of %(minutes)s min"),
    "catching_up": N_("Catching up…"),
    "reconnecting": N_("Reconnecting…"),
    "one_person_here": N_("1 person here"),
    "people_here": N_("%(count)s people here"),
    "confirm_end": N_("End the consultation for everyone?"),
    "not_sent": N_("Not sent: the connection did not come back in time. Try again."),
    "waiting_to_send": N_("%(count)s action(s) waiting to be sent"),
    "yours": N_("yours: %(time)s"),
}


def translated_messages() -> dict[str, str]:
    """Every script message in the request's language (placeholders left for the script)."""
    messages = {key: gettext(text) for key, text in MESSAGES.items()}
    # "Ended" is also a report heading; here it is the consultation's state.
    messages["ended"] = pgettext("consultation state", "Ended")
    return messages
