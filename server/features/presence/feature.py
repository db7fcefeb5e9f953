"""What presence adds to Baraza (installed by server/bootstrap.py)."""

from server.core.features import Feature, Topic

from . import attendance

FEATURE = Feature(
    "presence",
    topics={"presence": Topic(attendance.render_presence, every=attendance.PRESENCE_EVERY)},
    snapshot_parts=[attendance.attendance_part],
)
