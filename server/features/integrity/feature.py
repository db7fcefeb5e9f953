"""What integrity flags add to Baraza (installed by server/bootstrap.py)."""

from server.core.features import ArchiveTable, Feature, Part, each

from . import archive, handlers, report, service

EVENTS = (
    "integrity_flag_raised",
    "integrity_flag_updated",
    "integrity_flag_excluded",
    "integrity_flag_included",
    "integrity_flag_dismissed",
)

FEATURE = Feature(
    "integrity",
    commands=handlers.COMMANDS,
    snapshot_parts=[service.integrity_snapshot],
    report_sections=[Part("integrity", 92, report.integrity_section)],
    csv_tables=[Part("integrity.csv", 46, report.integrity_csv)],
    event_summaries=each(EVENTS, report.flag_summary),
    archive_tables=[
        ArchiveTable("integrity_flags", 70, archive.export_flags, archive.restore_flags)
    ],
    payload_ids=each(EVENTS, archive.flag_payload),
)
