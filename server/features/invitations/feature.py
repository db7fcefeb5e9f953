"""What invitations add to Baraza (installed by server/bootstrap.py): open or invited
consultations, registration lists and personal links."""

from server.core.features import Feature, Part

from . import handlers, report, service

FEATURE = Feature(
    "invitations",
    commands=handlers.COMMANDS,
    snapshot_parts=[service.participation_part],
    creation_hooks=[service.check_creation_settings],
    report_sections=[Part("participation", 11, report.participation_section)],
    csv_tables=[Part("participation.csv", 31, report.participation_csv)],
    event_summaries={
        "invitation_revoked": report.revoked_summary,
        "invitations_imported": report.imported_summary,
        "participation_changed": report.participation_summary,
    },
    followers=[service.follow_bans],
)
