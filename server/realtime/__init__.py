"""Socket.IO: connections, commands and the one place that emits."""

from __future__ import annotations

from flask_socketio import SocketIO

# Attendees send a few kilobytes at most; the library default is a megabyte.
MAX_MESSAGE_BYTES = 16 * 1024

socketio = SocketIO()
