"""What notes add to Baraza (installed by server/bootstrap.py); their report parts are
the consultation's (features/consultations/report.py), their archive table the
foundation's (reports/json_archive.py)."""

from server.core.features import Feature

from . import handlers, service

FEATURE = Feature("notes", commands=handlers.COMMANDS, snapshot_parts=[service.notes_part])
