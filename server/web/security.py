"""Doors locked on HTTP: security headers on every response, a CSRF token on every form.

The pages' forms (find a consultation, join, open a staff link) carry a token
tied to the browser's session cookie; a form posted without it — from another
site, say — is refused with `csrf_failed`. The JSON API needs none: it reads
bearer tokens, never cookies, and another site cannot post JSON to it without
a CORS preflight, which it does not answer.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, request, session

from server.core.errors import N_, Forbidden

CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """This browser's form token, made on first use and kept in its signed session."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise Forbidden("csrf_failed", N_("This form has expired; reload the page and try again."))


def same_site_path(target: str | None, default: str = "/") -> str:
    r"""`target` if it is a path on this site, else `default`: never a way off the site.

    Browsers drop tabs and newlines from an address and read `\` as `/`, so
    `/<tab>/evil.example` and `/\evil.example` lead off the site as `//evil.example`
    does: anything holding a control character or a backslash is refused whole.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def content_security_policy(public_url: str) -> str:
    """Only this site's own files: no inline script or style, no framing."""
    parts = urlsplit(public_url)
    socket_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {socket_origin}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register(app: Flask) -> None:
    config = app.config["BARAZA"]
    headers = {
        "Content-Security-Policy": content_security_policy(config.public_url),
        "X-Content-Type-Options": "nosniff",
        # Staff links carry their secret in the path: never send it to another site.
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if config.public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000"

    @app.before_request
    def forms_carry_the_token() -> None:
        if request.method == "POST" and request.blueprint == "pages":
            check_csrf()

    # Each header with its name lowered once: `Headers.setdefault` scans the response's
    # headers twice for each one, 40-50 µs a response, 3 to 4 times what this costs.
    for_files = [(name, name.lower(), value) for name, value in headers.items()]
    # Pages and answers may hold secrets: not stored, unless their view says otherwise.
    for_answers = [*for_files, ("Cache-Control", "cache-control", "no-store")]

    @app.after_request
    def lock_the_doors(response: Response) -> Response:
        present = {name.lower() for name in response.headers.keys()}
        wanted = for_files if request.endpoint == "static" else for_answers
        response.headers.extend(
            [(name, value) for name, low, value in wanted if low not in present]
        )
        return response

    @app.context_processor
    def form_token() -> dict[str, object]:
        return {"csrf_token": csrf_token}
