"""eventlet's HTTP protocol, its connection freed as soon as it ends (eventlet only).

eventlet.wsgi gives each request's environ a `set_idle` callback that holds the
protocol object, which holds the environ: a cycle. So a connection that had ended
was freed only by the garbage collector, with its socket, buffers, headers and some
thirty other objects. A WebSocket lives for minutes, so its connection had been moved
to an older generation by then, which the collector, as tuned then (50,000, 20, 10),
reached once every twenty young collections: in a 20-minute soak, never. The
soak's 9,000 rejoins left their connections' garbage behind, two thirds of the
memory it grew by (docs/performance.md, step 66).
"""

from __future__ import annotations

from eventlet.wsgi import HttpProtocol


class FreedOnFinish(HttpProtocol):  # type: ignore[misc]
    """The protocol that lets go of its last request's environ when the connection ends."""

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.environ = None
