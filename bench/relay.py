"""The Flask-SocketIO baseline: a bare server that relays one client's message to all.

It also acknowledges `ballot` messages at once: the poll burst's baseline.

`python -m bench.relay --port P --async-mode eventlet|gevent` serves it with the
same listener, backlog, request cap, open-files limit and WebSocket settings as
Baraza (`server.realtime.serving`), so the two differ only in what Baraza does
per message: the database, the event log, the audiences and their rooms.
`--library-defaults` serves it with `socketio.run`'s defaults instead (the
benchmark's `flask-defaults` target), to measure what those defaults cost.
"""

from __future__ import annotations

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--async-mode", choices=("eventlet", "gevent"), default="eventlet")
parser.add_argument("--library-defaults", action="store_true")
options = parser.parse_args()

from server.green import patch_standard_library  # noqa: E402

patch_standard_library(options.async_mode)

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402

from server.realtime.serving import serve, size_for_crowds  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode=options.async_mode, ping_interval=20, ping_timeout=20)


@app.get("/health")
def health() -> str:
    return "ok"


@socketio.on("relay")  # type: ignore[untyped-decorator]
def relay(data: object) -> None:
    emit("relay", data, broadcast=True)


@socketio.on("ballot")  # type: ignore[untyped-decorator]
def ballot(_data: object) -> dict[str, bool]:
    """The poll burst's baseline: acknowledge at once, nothing else."""
    return {"ok": True}


print(f"relay listening on 127.0.0.1:{options.port} ({options.async_mode})", flush=True)
if options.library_defaults:
    socketio.run(app, host="127.0.0.1", port=options.port)
else:
    size_for_crowds(app)
    serve(app, "127.0.0.1", options.port, options.async_mode)
