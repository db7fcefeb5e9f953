"""Reading and setting the participant token of an HTTP request."""

from __future__ import annotations

import re

from flask import current_app, request
from werkzeug.wrappers import Response

from server.core.access import COOKIE, Viewer, identify, new_token
from server.core.runtime import current_core

COOKIE_DAYS = 7
# A random secret per browser, kept a year, stored hashed with each attendee who joins
# with it: a ban covers the device, not only the token (a new join is refused).
DEVICE_COOKIE = "bz_device"
DEVICE_DAYS = 365


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


def request_device() -> str:
    """This browser's device secret, or a new one if it has none (or a malformed one)."""
    sent = request.cookies.get(DEVICE_COOKIE, "")
    return sent if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", sent) else new_token()


def set_device_cookie(response: Response, device: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
