"""What polls add to Baraza (installed by server/bootstrap.py)."""

from server.core.events import ATTENDEE, projecting
from server.core.features import ArchiveTable, Feature, Part, Topic, each

from . import counting, handlers, report, service

FEATURE = Feature(
    "polls",
    commands=handlers.COMMANDS,
    projections=projecting(counting.closed_for_attendees, "poll_closed", ATTENDEE),
    topics={service.TOPIC: Topic(handlers.render_results)},
    snapshot_parts=[service.polls_snapshot],
    creation_hooks=[service.polls_from_agenda_file],
    report_sections=[Part("polls_outside_agenda", 26, report.polls_outside_agenda)],
    item_sections=[Part("polls", 20, report.item_polls)],
    csv_tables=[
        Part("polls.csv", 50, report.polls_csv),
        Part("poll_answers.csv", 51, report.poll_answers_csv),
    ],
    event_summaries={
        **each(("poll_created", "poll_updated"), report.defined_summary),
        "poll_opened": report.opened_summary,
        "poll_closed": report.closed_summary,
        "poll_deleted": report.deleted_summary,
        "ballot_cast": report.ballot_summary,
        **each(
            (
                "poll_answer_shown",
                "poll_answer_hidden",
                "poll_answer_excluded",
                "poll_answer_included",
            ),
            report.answer_summary,
        ),
    },
    archive_tables=[
        ArchiveTable("polls", 50, report.export_polls, report.restore_polls),
        ArchiveTable("poll_ballots", 51, report.export_ballots, report.restore_ballots),
    ],
    payload_ids={
        **each(
            (
                "poll_created",
                "poll_updated",
                "poll_opened",
                "poll_deleted",
                "ballot_cast",
                "poll_answer_shown",
                "poll_answer_hidden",
                "poll_answer_excluded",
                "poll_answer_included",
            ),
            report.poll_payload,
        ),
        "poll_closed": report.closed_payload,
    },
)
