"""What presence adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature, Part, Topic

from . import attendance, report

FEATURE = Feature(
    "presence",
    topics={"presence": Topic(attendance.render_presence, every=attendance.PRESENCE_EVERY)},
    snapshot_parts=[attendance.attendance_part],
    report_sections=[Part("attendance", 10, report.attendance_section)],
    csv_tables=[Part("attendance.csv", 30, report.attendance_csv)],
    room_size=attendance.room_size,
)
