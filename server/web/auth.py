"""Reading and setting the participant token of an HTTP request."""

from __future__ import annotations

from flask import Response, current_app, request

from ..domain.consultations import normalise_join_code
from ..domain.errors import N_, Forbidden
from ..services.access import Viewer, find_participant, viewer_of
from ..services.core import Core
from ..storage.models import Consultation

COOKIE = "bz_{code}"
COOKIE_DAYS = 7


def core() -> Core:
    return current_app.extensions["baraza"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def request_viewer(code: str | None = None) -> Viewer:
    """The viewer named by the Authorization header, or by the consultation's cookie."""
    token = bearer_token()
    if token is None and code is not None:
        token = request.cookies.get(COOKIE.format(code=code.upper()))
    if token is None:
        raise Forbidden("not_authenticated", N_("Join the consultation first."))
    with core().store.reading() as tx:
        participant = find_participant(tx, token)
        if code is not None:  # a page of one consultation never opens for another's token
            consultation = tx.get_one(Consultation, participant.consultation_id)
            if consultation.join_code != normalise_join_code(code):
                raise Forbidden("forbidden", N_("This link is for another consultation."))
        return viewer_of(participant)


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
