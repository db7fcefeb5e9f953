"""Gzip for pages and static files: attendees on phones pay for every byte.

Static files are compressed once and kept in memory, per application, by path
(a file changed on disk is compressed again); pages are small and compressed as
they go. Streams are left alone.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

from flask import Flask, Response, request

MIN_BYTES = 512
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
STATIC_MAX_AGE = 3600


class StaticGzip:
    """One application's compressed static files: each path's latest version only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, tuple[float, bytes]] = {}

    def body(self, path: Path) -> bytes:
        modified = path.stat().st_mtime
        with self._lock:
            cached = self._files.get(str(path))
        if cached is not None and cached[0] == modified:
            return cached[1]
        body = gzip.compress(path.read_bytes(), compresslevel=9)
        with self._lock:
            self._files[str(path)] = (modified, body)
        return body


def register(app: Flask) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    static_root = Path(app.static_folder or "static").resolve()
    static_gzip = StaticGzip()

    @app.after_request
    def compress(response: Response) -> Response:
        if (
            "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.status_code != 200
            or response.is_streamed
            and not response.direct_passthrough
            or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
        ):
            return response
        if request.endpoint == "static":
            target = (static_root / (request.view_args or {}).get("filename", "")).resolve()
            if static_root not in target.parents or not target.is_file():
                return response
            body = static_gzip.body(target)
            response.close()  # the file it would have streamed is not needed
        else:
            data = response.get_data()
            if len(data) < MIN_BYTES:
                return response
            body = gzip.compress(data, compresslevel=6)
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        return response
