"""Gzip for pages and static files: attendees on phones pay for every byte.

Static files are compressed once and kept in memory by path and modification
time; pages are small and compressed as they go. Streams are left alone.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

from flask import Flask, Response, request

MIN_BYTES = 512
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
STATIC_MAX_AGE = 3600

_cache: dict[tuple[str, float], bytes] = {}
_cache_lock = threading.Lock()


def _static_gzip(path: Path) -> bytes:
    key = (str(path), path.stat().st_mtime)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = gzip.compress(path.read_bytes(), compresslevel=9)
        with _cache_lock:
            _cache[key] = cached
    return cached


def register(app: Flask) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    static_root = Path(app.static_folder or "static").resolve()

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
            body = _static_gzip(target)
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
