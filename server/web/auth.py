"""Reading and setting the participant token of an HTTP request."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wrappers import Response

from server.core.access import COOKIE, Viewer, identify
from server.core.runtime import current_core

COOKIE_DAYS = 7


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def request_viewer(code: str | None = None) -> Viewer:
    """The viewer named by the Authorization header, or by the consultation's cookie."""
    token = bearer_token()
    if token is None and code is not None:
        token = request.cookies.get(COOKIE.format(code=code.upper()))
    return identify(current_core(), token, code)


def set_token_cookie(response: Response, code: str, token: str) -> None:
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(
        COOKIE.format(code=code.upper()),
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
