"""What the speakers' queue adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import ArchiveTable, Feature, Part, Topic, each

from . import handlers, report, rules, service

HAND_EVENTS = ("hand_raised", "hand_withdrawn", "hand_removed", "hand_put_back")
LIST_EVENTS = ("speakers_list_closed", "speakers_list_reopened")

FEATURE = Feature(
    "speakers",
    commands=handlers.COMMANDS,
    projections=rules.PROJECTIONS,
    topics={service.TOPIC: Topic(handlers.render_queue)},
    snapshot_parts=[service.speakers_snapshot],
    creation_hooks=[service.speakers_from_agenda_file],
    report_sections=[Part("speaking_time", 30, report.speaking_time)],
    item_sections=[Part("speakers", 30, report.item_speakers)],
    csv_tables=[
        Part("speakers.csv", 60, report.speakers_csv),
        Part("speaking_time.csv", 61, report.speaking_time_csv),
    ],
    event_summaries={
        **each(HAND_EVENTS, report.hand_summary),
        **each(("floor_given", "turn_cancelled"), report.floor_summary),
        "turn_extended": report.extended_summary,
        "turn_overran": report.overran_summary,
        "turn_ended": report.ended_summary,
        **each(LIST_EVENTS, report.list_summary),
        "speakers_ordering_changed": report.ordering_summary,
        "speaking_time_set": report.limit_summary,
    },
    archive_tables=[
        ArchiveTable("speaker_hands", 60, report.export_hands, report.restore_hands),
        ArchiveTable("closed_speaker_lists", 61, report.export_closed, report.restore_closed),
    ],
    payload_ids=each(
        (*HAND_EVENTS, *rules.TURN_EVENTS, *LIST_EVENTS, "speaking_time_set"),
        report.speaker_payload,
    ),
    settings_ids={"speakers": report.speaker_settings},
)
