"""What presence adds to Baraza (installed by server/bootstrap.py)."""

from functools import partial

from server.core.features import Feature, Part, Topic

from . import attendance, report

FEATURE = Feature(
    "presence",
    topics={
        topic: Topic(partial(attendance.render_head_count, roles), every=every)
        for topic, (every, roles) in attendance.HEAD_COUNT_TOPICS.items()
    },
    snapshot_parts=[attendance.attendance_part],
    report_sections=[Part("attendance", 10, report.attendance_section)],
    csv_tables=[Part("attendance.csv", 30, report.attendance_csv)],
    room_size=attendance.room_size,
)
