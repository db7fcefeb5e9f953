"""One error body for HTTP: `{"ok": false, "error": {"code", "message"}}` with a 4xx/5xx."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError
from ..i18n import translate_error


def error_body(code: str, message: str) -> dict[str, object]:
    return {"ok": False, "error": {"code": code, "message": message}}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[Response | str, int]:
        message = translate_error(error)
        if _wants_json():
            return jsonify(error_body(error.code, message)), error.status
        page = render_template("error.html", code=error.code, message=message)
        return page, error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        code = (error.name or "error").lower().replace(" ", "_")
        status = error.code or 500
        if _wants_json():
            return jsonify(error_body(code, error.description or "")), status
        return render_template("error.html", code=code, message=error.description), status
