"""One error body for HTTP: `{"ok": false, "error": {"code", "message"}}` with a 4xx/5xx."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from server.core.errors import N_, DomainError, TooManyRequests
from server.i18n import translate_error

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


# The HTTP status each error code means: the one table (docs/api.md lists it, code by
# code). Codes named here win; the others go by their family, the shape of the code.
STATUS_OF_CODE = {
    # who you are (401) and what your role or the rules let you do (403)
    "not_authenticated": 401,
    "invalid_token": 401,
    "unknown_organiser_link": 401,
    "forbidden": 403,
    "banned": 403,
    "link_revoked": 403,
    "csrf_failed": 403,
    "cannot_ban_staff": 403,
    "own_question": 403,
    "not_your_hand": 403,
    "anonymity_not_allowed": 403,
    "wrong_series": 403,
    "invitation_required": 403,
    "invitation_revoked": 403,
    # the thing exists but is not in a state that allows this
    "answer_excluded": 409,
    "flag_decided": 409,
    "flag_excluded": 409,
    "flag_not_excluded": 409,
    "ballot_final": 409,
    "command_id_reused": 409,
    "consultation_ended": 409,
    "floor_taken": 409,
    "item_already_active": 409,
    "list_already_closed": 409,
    "list_already_open": 409,
    "list_closed": 409,
    "nothing_pinned": 409,
    "poll_already_open": 409,
    "poll_not_opened": 409,
    "poll_not_draft": 409,
    "poll_not_open": 409,
    "question_answered": 409,
    "question_archived": 409,
    "question_dismissed": 409,
    "question_limit_reached": 409,
    "question_merged": 409,
    "question_not_public": 409,
    "questions_closed": 409,
    "questions_closed_for_item": 409,
    "queue_empty": 409,
    "stale_note": 409,
    "too_many_items": 409,
    "too_many_polls": 409,
    "series_name_taken": 409,
    # input that is wrong although its family reads otherwise
    "cannot_merge_into_itself": 422,
    "duplicate_series_key": 422,
    "option_keys_mismatch": 422,
    "duplicate_choice": 422,
    "foreign_archive": 422,
    "no_settings": 422,
    "rating_out_of_range": 422,
    "too_many_choices": 422,
    "too_many_words": 422,
    "unknown_archive_table": 422,
    "unknown_ordering": 422,
    "unknown_screen_subject": 422,
    "unknown_setting": 422,
    "unknown_settings_key": 422,
    "agenda_file_aliases": 422,
    "agenda_too_deep": 422,
    "consent_required": 422,
    # a file past its size (the body may be well under the server's 1 MB)
    "agenda_file_too_large": 413,
    "registration_list_too_large": 413,
    "duplicate_email": 422,
    "unsupported_archive_version": 422,
    # wait, or try again
    "rate_limited": 429,
    "asking_too_fast": 429,
    "too_many_joins": 429,
    "too_many_wrong_codes": 429,
    "try_again": 503,
    "internal_error": 500,
}
STATUS_OF_PREFIX = {
    "unknown_": 404,
    "invalid_": 422,
    "empty_": 422,
    "already_": 409,
    "cannot_": 409,
    "no_": 409,
    "not_": 409,
}
TOO_LONG = "_too_long"


def status_of(code: str) -> int:
    """The HTTP status of an error code; a code of no family is a bug of ours (500)."""
    if code in STATUS_OF_CODE:
        return STATUS_OF_CODE[code]
    if code.endswith(TOO_LONG):
        return 422
    prefix = next((p for p in STATUS_OF_PREFIX if code.startswith(p)), None)
    return STATUS_OF_PREFIX[prefix] if prefix else 500


def error_body(code: str, message: str) -> dict[str, object]:
    return {"ok": False, "error": {"code": code, "message": message}}


def error_reply(body: dict[str, Any]) -> tuple[Response, int]:
    """A refusal's JSON body with the status of its code (a 401 says how to authenticate)."""
    status = status_of(body["error"]["code"])
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, status


def with_retry_after(response: Response, error: DomainError) -> Response:
    """A refusal over a limit says when to come back."""
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[Response | str, int]:
        message = translate_error(error)
        if _wants_json():
            response, status = error_reply(error_body(error.code, message))
        else:
            page = render_template("error.html", code=error.code, message=message)
            response, status = Response(page, mimetype="text/html"), status_of(error.code)
        return with_retry_after(response, error), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        code = (error.name or "error").lower().replace(" ", "_")
        status = error.code or 500
        message = gettext(HTTP_MESSAGES.get(status, OTHER_HTTP_ERROR))
        if _wants_json():
            return jsonify(error_body(code, message)), status
        return render_template("error.html", code=code, message=message), status
