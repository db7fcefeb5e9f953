"""What the agenda adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature

from . import handlers

FEATURE = Feature("agenda", commands=handlers.COMMANDS)
