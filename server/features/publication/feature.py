"""What publishing adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature

from . import handlers, service

FEATURE = Feature(
    "publication",
    commands=handlers.COMMANDS,
    snapshot_parts=[service.publication_part],
)
