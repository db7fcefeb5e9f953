"""The JSON API: for clients without a page — scripts, tests, the benchmark.

Commands here run through the same registry as Socket.IO commands, so an HTTP
client and a socket client cannot disagree about what a command does.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import flask_babel
import yaml
from flask import Blueprint, Response, jsonify, request

from server import metrics
from server.core import commands, emitter
from server.core.errors import N_, DomainError, Forbidden, Label
from server.core.events import MODERATOR
from server.core.json_input import UnreadableJson, read_json
from server.core.languages import LANGUAGES
from server.core.runtime import current_core
from server.features.consultations import service as consultations
from server.features.consultations import snapshots
from server.features.consultations.rules import parse_consent, parse_spec
from server.features.consultations.service import Consent
from server.features.privacy import service as privacy
from server.features.privacy.notice import Notice
from server.i18n import select_locale, translate_error

from .auth import request_device, request_viewer, set_device_cookie, set_token_cookie
from .errors import error_body, error_reply
from .join_limits import address_hash, admit, guarding_codes

blueprint = Blueprint("api", __name__, url_prefix="/api")


def _json_value() -> Any:
    """The request body as JSON, whatever its content type says; not JSON is refused."""
    try:
        return read_json(request.get_data(cache=True))
    except UnreadableJson as error:
        raise DomainError(
            "invalid_payload", N_("Send a JSON object: %(reason)s."), reason=Label(error.reason)
        ) from error


def json_body() -> dict[str, Any]:
    data = _json_value()
    if not isinstance(data, dict):
        raise DomainError("invalid_payload", N_("Send a JSON object."))
    return data


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    """Can this worker serve: does its database answer? `503` naming what failed if not."""
    try:
        current_core().store.ping()
    except DomainError as error:
        return jsonify(
            {**error_body(error.code, translate_error(error)), "failed": ["database"]}
        ), 503
    return jsonify({"ok": True}), 200


@cache
def _openapi_file() -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """docs/openapi.yaml, with every command this server knows as the names of a command."""
    document = copy.deepcopy(_openapi_file())
    command = document["paths"]["/api/commands/{name}"]
    command["parameters"][0]["schema"]["enum"] = sorted(current_core().wiring.commands)
    return jsonify(document)


@blueprint.get("/consultations/<code>")
@guarding_codes
def consultation_info(code: str) -> Response:
    """Public facts about a consultation, for its join page."""
    with current_core().store.reading() as tx:
        consultation = consultations.find_by_code(tx, code)
        return jsonify({"ok": True, "consultation": snapshots.consultation_view(consultation)})


def requested_notice(code: str, language: object) -> Notice:
    """The consultation's privacy notice in `language` if Baraza speaks it, else the request's."""
    chosen = language if isinstance(language, str) and language in LANGUAGES else select_locale()
    with flask_babel.force_locale(chosen):
        return privacy.notice_of(current_core(), code, chosen)


@blueprint.get("/consultations/<code>/privacy-notice")
@guarding_codes
def privacy_notice(code: str) -> Response:
    """The privacy notice a client joining people must show them before sending `consent`."""
    notice = requested_notice(code, request.args.get("lang"))
    return jsonify(
        {
            "ok": True,
            "privacy_notice": {
                "language": notice.language,
                "text": notice.text,
                "version": notice.version,
                "custom": notice.custom,
            },
        }
    )


@blueprint.post("/consultations/<code>/join")
@guarding_codes
def join(code: str) -> Response:
    admit(code)
    device = request_device()
    body = json_body()
    consent = None
    if parse_consent(body.get("consent"), required=False):
        notice = requested_notice(code, body.get("language"))
        consent = Consent(notice.version, notice.language)
    admitted = consultations.join(
        current_core(), code, body, device, address_hash=address_hash(), consent=consent
    )
    metrics.JOINS.inc()
    emitter.publish(current_core(), admitted.events)
    response = jsonify(
        {"ok": True, "token": admitted.token, "participant_id": admitted.viewer.participant_id}
    )
    set_token_cookie(response, code, admitted.token)
    set_device_cookie(response, device)
    return response


@blueprint.post("/links/claim")
def claim_link() -> Response:
    """Exchange a moderator or rapporteur link's token for a personal one."""
    body = json_body()
    admitted = consultations.claim_link(current_core(), body.get("link"), body)
    emitter.publish(current_core(), admitted.events)
    return jsonify({"ok": True, "token": admitted.token, "role": admitted.viewer.role})


@blueprint.post("/consultations")
def create_consultation() -> tuple[Response, int]:
    """A moderator of any consultation creates another (a sister session, say)."""
    if request_viewer().role != MODERATOR:
        raise Forbidden("forbidden", N_("Only a moderator can create a consultation."))
    created = consultations.create(current_core(), parse_spec(json_body()))
    return jsonify(
        {
            "ok": True,
            "join_code": created.join_code,
            "moderator_link": created.moderator_token,
            "rapporteur_link": created.rapporteur_token,
        }
    ), 201


@blueprint.get("/my-data")
def my_data() -> Response:
    """What Baraza holds about the person whose token is sent (docs/api.md, "My data")."""
    return jsonify({"ok": True, "my_data": privacy.my_data(current_core(), request_viewer())})


@blueprint.get("/snapshot")
def snapshot() -> Response:
    return jsonify({"ok": True, "snapshot": snapshots.snapshot(current_core(), request_viewer())})


@blueprint.post("/commands/<name>")
def run_command(name: str) -> tuple[Response, int]:
    """Any client command over HTTP: the same acknowledgement as over Socket.IO."""
    viewer = request_viewer()
    reply = commands.run(current_core(), viewer, name, _json_value(), translate_error)
    if reply["ok"]:
        return jsonify(reply), 200
    return error_reply(reply)
