"""The JSON API of regional series (docs/api.md, "Regional series").

A series is created by a moderator of any consultation (their participant token,
as `POST /api/consultations` asks); everything else is the organiser's, with the
series' organiser link as `Authorization: Bearer <organiser link>`. A link of
another series is refused with `403 wrong_series`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.archive import series as series_archive
from server.core.errors import N_, Forbidden
from server.core.events import MODERATOR
from server.core.runtime import current_core
from server.features.series import archive, comparison
from server.features.series import service as series
from server.features.series.rules import parse_series

from .api import json_body
from .auth import bearer_token, request_viewer

blueprint = Blueprint("series_api", __name__, url_prefix="/api/series")


def _number(text: str) -> int:
    """A series' number from its path; anything else names no series (`unknown_series`)."""
    return int(text) if text.isdecimal() and len(text) < 10 else 0


@blueprint.post("")
def create_series() -> tuple[Response, int]:
    """A moderator of any consultation defines a series; its organiser link is shown once."""
    if request_viewer().role != MODERATOR:
        raise Forbidden("forbidden", N_("Only a moderator can create a series."))
    created = series.create_series(current_core(), parse_series(json_body()))
    return jsonify(
        {"ok": True, "series_id": created.series_id, "organiser_link": created.organiser_token}
    ), 201


@blueprint.post("/import")
def import_series() -> tuple[Response, int]:
    """A series archive restored as a new series, all or nothing (a moderator of any
    consultation, as for creating one); every link is new and shown this once."""
    if request_viewer().role != MODERATOR:
        raise Forbidden("forbidden", N_("Only a moderator can create a series."))
    restored = series_archive.restore(current_core(), request.get_data(cache=True))
    return jsonify(
        {
            "ok": True,
            "series_id": restored.series_id,
            "organiser_link": restored.organiser_token,
            "consultations": [
                {
                    "consultation_id": c.consultation_id,
                    "join_code": c.join_code,
                    "moderator_link": c.moderator_token,
                    "rapporteur_link": c.rapporteur_token,
                }
                for c in restored.consultations
            ],
        }
    ), 201


@blueprint.get("/<series_id>/archive")
def export_series(series_id: str) -> Response:
    """The JSON archive of the whole series (docs/api.md, "The series archive")."""
    core = current_core()
    with core.store.reading() as tx:
        found = series.organiser_of(tx, _number(series_id), bearer_token())
        body = archive.export(tx, found.id, core.wiring)
    response = Response(body, mimetype="application/json")
    name = f"series-{found.short_name}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get("/<series_id>")
def organiser_view(series_id: str) -> Response:
    view = comparison.organiser_view(current_core(), _number(series_id), bearer_token())
    return jsonify({"ok": True, "series": view})


@blueprint.post("/<series_id>/consultations")
def create_regional(series_id: str) -> tuple[Response, int]:
    """A regional consultation made from the series in one step."""
    created = series.create_regional(
        current_core(), _number(series_id), bearer_token(), json_body()
    )
    body: dict[str, Any] = {
        "ok": True,
        "consultation_id": created.consultation_id,
        "join_code": created.join_code,
        "moderator_link": created.moderator_token,
        "rapporteur_link": created.rapporteur_token,
    }
    return jsonify(body), 201


@blueprint.post("/<series_id>/members")
def add_consultation(series_id: str) -> tuple[Response, int]:
    """An existing consultation joins the series, shown by its moderator link."""
    added = series.add_consultation(current_core(), _number(series_id), bearer_token(), json_body())
    return jsonify({"ok": True, "consultation_id": added}), 201


@blueprint.post("/<series_id>/organiser-link")
def replace_organiser_link(series_id: str) -> Response:
    token = series.replace_organiser_link(current_core(), _number(series_id), bearer_token())
    return jsonify({"ok": True, "organiser_link": token})


@blueprint.get("/<series_id>/comparison")
def read_comparison(series_id: str) -> Response:
    view = comparison.read_comparison(current_core(), _number(series_id), bearer_token())
    return jsonify({"ok": True, "comparison": view})


@blueprint.get("/<series_id>/comparison/polls/<key>")
def read_poll(series_id: str, key: str) -> Response:
    view = comparison.read_poll(current_core(), _number(series_id), bearer_token(), key)
    return jsonify({"ok": True, "poll": view})
