"""What notes add to Baraza (installed by server/bootstrap.py); their report and archive
parts are the foundation's (server/reports/foundation.py)."""

from server.core.features import Feature

from . import handlers, service

FEATURE = Feature("notes", commands=handlers.COMMANDS, snapshot_parts=[service.notes_part])
