"""One error body for HTTP: `{"ok": false, "error": {"code", "message"}}` with a 4xx/5xx."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..domain.errors import N_, DomainError
from ..i18n import translate_error

# Werkzeug's descriptions are English only; people read these instead.
HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("You may not open this page."),
    404: N_("There is nothing at this address. Check the link."),
    405: N_("This address does not take that kind of request."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests: wait a moment and try again."),
    500: N_("Something went wrong on our side; try again in a moment."),
}
OTHER_HTTP_ERROR = N_("The request could not be handled.")


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
        message = gettext(HTTP_MESSAGES.get(status, OTHER_HTTP_ERROR))
        if _wants_json():
            return jsonify(error_body(code, message)), status
        return render_template("error.html", code=code, message=message), status
