"""Report downloads: `GET /c/<code>/report/download/<format>?audience=shareable|full`.

The route only checks who asks and what for; the file is streamed from one
consistent read of the database, so a long log never sits whole in memory.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context

from server.core.access import normalise_join_code
from server.core.errors import N_, Forbidden
from server.core.runtime import current_core
from server.features.consultations import service as consultations
from server.reports import exports

from .auth import request_viewer

blueprint = Blueprint("downloads", __name__)


@blueprint.get("/c/<code>/report/download/<fmt>")
def download(code: str, fmt: str) -> Response:
    """Moderators and rapporteurs (cookie or Bearer token) get the report as a file."""
    chosen = exports.find_format(fmt)
    code = normalise_join_code(code)
    viewer = request_viewer(code)
    with current_core().store.reading() as tx:
        consultation = consultations.find_by_code(tx, code)
        if consultation.id != viewer.consultation_id:
            raise Forbidden("forbidden", N_("This link is for another consultation."))
        name = exports.file_name(consultation, chosen)
    audience = exports.choose_audience(chosen, request.args.get("audience"), viewer.role)
    body = exports.stream(current_core(), viewer.consultation_id, chosen, audience)
    return Response(
        stream_with_context(body),
        content_type=chosen.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
