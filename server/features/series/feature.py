"""What regional series add to Baraza (installed by server/bootstrap.py): the moderator's
`key_poll` command. Their tables, pages and API are the series' own (docs/api.md,
"Regional series"); the comparison reads the consultations' records as they are."""

from server.core.features import Feature

from . import handlers

FEATURE = Feature("series", commands=handlers.COMMANDS)
