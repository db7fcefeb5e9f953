"""What the shared screen adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature, Topic

from . import handlers, report, service

FEATURE = Feature(
    "screen",
    commands=handlers.COMMANDS,
    topics={service.TOPIC: Topic(handlers.render_screen)},
    snapshot_parts=[service.screen_part],
    event_summaries={service.EVENT: report.chosen_summary},
    payload_ids={service.EVENT: report.chosen_payload},
    followers=[service.follow_the_action],
)
