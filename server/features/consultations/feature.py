"""What the consultation itself adds (wired by server/bootstrap.py): the Chatham House
switch, its header, agenda, notes and timeline in the report, the CSV files of them,
and how the timeline and the archive read its own events."""

from server.core.commands import calling
from server.core.features import Feature, Part, each
from server.reports import json_archive, timeline

from . import chatham, report

FEATURE = Feature(
    "consultations",
    commands={"set_chatham_house": calling(chatham.set_chatham_house, "on")},
    report_sections=[
        Part("header", 0, report.header),
        Part("general_notes", 15, report.general_notes),
        Part("agenda", 20, report.agenda_section),
        Part("timeline", 100, timeline.timeline),
    ],
    item_sections=[Part("notes", 90, report.item_notes)],
    csv_tables=[
        Part("consultation.csv", 10, report.consultation_csv),
        Part("agenda.csv", 20, report.agenda_csv),
        Part("timeline.csv", 90, timeline.timeline_csv),
    ],
    event_summaries={
        "item_extended": report.extended,
        "agenda_reordered": report.reordered,
        **each(report.PERSON_EVENTS, report.person),
        "link_replaced": report.link,
        "personal_data_erased": report.erased,
        "note_saved": report.note,
        "chatham_house_set": report.chatham_switch,
    },
    event_redactions=each(report.PERSON_EVENTS, report.no_attendee_names),
    shareable_staff_events=("consultation_created", "note_saved"),
    payload_ids=json_archive.PAYLOAD_IDS,
)
