"""What presence adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature, Part, Topic

from . import attendance, report

FEATURE = Feature(
    "presence",
    topics={
        attendance.STAFF_TOPIC: Topic(attendance.render_for_staff, every=attendance.STAFF_EVERY),
        attendance.ATTENDEES_TOPIC: Topic(
            attendance.render_for_attendees, every=attendance.ATTENDEES_EVERY
        ),
    },
    snapshot_parts=[attendance.attendance_part],
    report_sections=[Part("attendance", 10, report.attendance_section)],
    csv_tables=[Part("attendance.csv", 30, report.attendance_csv)],
    room_size=attendance.room_size,
)
