"""What the question queue adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import ArchiveTable, Feature, Part, Topic, each

from . import handlers, report, rules, service

VOTE_EVENTS = ("question_voted", "question_vote_withdrawn", "question_unpinned")
BAN_EVENTS = ("participant_banned", "participant_unbanned")

FEATURE = Feature(
    "questions",
    commands=handlers.COMMANDS,
    projections=rules.PROJECTIONS,
    topics={service.VOTES_TOPIC: Topic(handlers.render_votes)},
    snapshot_parts=[service.questions_part],
    creation_hooks=[service.check_settings],
    report_sections=[Part("questions_outside_agenda", 25, report.questions_outside_agenda)],
    item_sections=[Part("questions", 10, report.item_questions)],
    csv_tables=[Part("questions.csv", 40, report.questions_csv)],
    event_summaries={
        **each((*rules.QUESTION_EVENTS, "question_edited"), report.question_summary),
        **each(
            ("question_voted", "question_vote_withdrawn", "question_unpinned"), report.voted_summary
        ),
        "question_settings_changed": report.settings_summary,
        **each(("questions_opened", "questions_closed"), report.opened_summary),
        **each(BAN_EVENTS, report.banned_summary),
    },
    event_redactions=each(BAN_EVENTS, report.no_name),
    archive_tables=[
        ArchiveTable("questions", 40, report.export_questions, report.restore_questions),
        ArchiveTable("question_votes", 41, report.export_votes, report.restore_votes),
    ],
    payload_ids={
        **each(
            (
                *rules.QUESTION_EVENTS,
                "question_edited",
                "question_unpinned",
                "question_voted",
                "question_vote_withdrawn",
            ),
            report.question_payload,
        ),
        **each(BAN_EVENTS, report.ban_payload),
        **each(
            ("questions_opened", "questions_closed", "question_settings_changed"),
            report.settings_payload,
        ),
    },
    settings_ids={rules.SETTINGS_KEY: report.settings_ids},
)
