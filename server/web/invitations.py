"""Invitations over HTTP: the registration list's upload, list and CSV export, the
moderators' page, and the personal link `/i/<token>` that lets its person in.

Routes only check who asks and translate; features/invitations/service.py decides.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request
from flask import url_for as url_to
from werkzeug.wrappers import Response as BaseResponse

from server import metrics
from server.core import commands, emitter
from server.core.access import Viewer, normalise_join_code
from server.core.errors import N_, DomainError, Forbidden
from server.core.events import MODERATOR
from server.core.models import Consultation, Invitation
from server.core.runtime import current_core
from server.features.consultations.rules import parse_consent
from server.features.consultations.service import Consent
from server.features.invitations import rules, service
from server.features.invitations.views import InvitationView
from server.features.privacy.notice import Notice, notice_for
from server.i18n import LANGUAGE_COOKIE, select_locale, translate_error
from server.reports.csv_export import BOM, csv_line

from .api import json_body, requested_notice
from .auth import request_device, request_viewer, set_device_cookie, set_token_cookie
from .errors import status_of
from .security import check_csrf

blueprint = Blueprint("invitations", __name__)

EXPORT_COLUMNS = ("name", "email", "stakeholder_group", "country", "language", "link")


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _moderator(code: str) -> Viewer:
    """The moderator of the consultation `code` who asks (cookie or Bearer token)."""
    viewer = request_viewer(normalise_join_code(code))
    if viewer.role != MODERATOR:
        raise Forbidden("forbidden", N_("Your role cannot do this."))
    return viewer


def _uploaded() -> bytes:
    """The registration list: a multipart form's `file`, else the request's body."""
    upload = request.files.get("file")
    data = upload.read(rules.MAX_BYTES + 1) if upload is not None else request.get_data()
    if len(data) > rules.MAX_BYTES:
        raise rules.too_large()
    return data


def row_errors(error: rules.RegistrationListError) -> list[dict[str, Any]]:
    return [
        {
            "line": row.line,
            "column": row.column,
            "code": row.error.code,
            "message": translate_error(row.error),
        }
        for row in error.rows
    ]


def _absolute(view: InvitationView) -> InvitationView:
    return {**view, "link": current_app.config["BARAZA"].public_url + view["link"]}


@blueprint.post("/api/consultations/<code>/invitations")
def import_list(code: str) -> tuple[Response, int]:
    """A moderator uploads a registration list (CSV); all of it is imported, or nothing."""
    viewer = _moderator(code)
    try:
        outcome = service.import_list(current_core(), viewer, _uploaded(), _secret())
    except rules.RegistrationListError as error:
        refusal = {"code": error.code, "message": translate_error(error), "rows": row_errors(error)}
        return jsonify({"ok": False, "error": refusal}), 422
    commands.send(current_core(), outcome)
    return jsonify({"ok": True, **outcome.reply}), 201


@blueprint.get("/api/consultations/<code>/invitations")
def list_invitations(code: str) -> Response:
    """The registration list with each person's personal link, for moderators."""
    viewer = _moderator(code)
    views = service.invitations(current_core(), viewer, _secret())
    return jsonify({"ok": True, "invitations": [_absolute(view) for view in views]})


@blueprint.get("/api/consultations/<code>/invitations.csv")
def export_invitations(code: str) -> Response:
    """The registration list as CSV for a mail merge: name, email, stakeholder_group,
    country, language, link (revoked invitations left out)."""
    viewer = _moderator(code)
    views = service.invitations(current_core(), viewer, _secret())
    lines = [BOM + csv_line(EXPORT_COLUMNS)]
    for view in views:
        if view["revoked"]:
            continue
        link = _absolute(view)["link"]
        lines.append(
            csv_line(
                (
                    view["display_name"],
                    view["email"],
                    view["stakeholder_group"],
                    view["country"],
                    view["language"],
                    link,
                )
            )
        )
    name = f"invitations-{normalise_join_code(code)}.csv"
    return Response(
        "".join(lines),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# -- the moderators' page --------------------------------------------------------------


@blueprint.get("/c/<code>/invitations")
def invitations_page(code: str) -> BaseResponse | str:
    """The registration list, printable, with the upload form and the export."""
    code = normalise_join_code(code)
    try:
        viewer = _moderator(code)
    except DomainError:
        return redirect(url_to("pages.join_form", code=code))
    # `?revoked=<id>`: the revoking just done, said above the list.
    return _page(code, viewer, revoked_id=request.args.get("revoked", ""))


@blueprint.post("/c/<code>/invitations")
def upload_page(code: str) -> tuple[str, int] | str | BaseResponse:
    check_csrf()
    code = normalise_join_code(code)
    try:
        viewer = _moderator(code)
    except DomainError:
        return redirect(url_to("pages.join_form", code=code))
    try:
        outcome = service.import_list(current_core(), viewer, _uploaded(), _secret())
    except rules.RegistrationListError as error:
        page = _page(code, viewer, error=translate_error(error), rows=row_errors(error))
        return page, status_of(error.code)
    except DomainError as error:
        return _page(code, viewer, error=translate_error(error)), status_of(error.code)
    commands.send(current_core(), outcome)
    return _page(code, viewer, imported=outcome.reply["imported"])


@blueprint.post("/c/<code>/invitations/<invitation_id>/revoke")
def revoke_page(code: str, invitation_id: str) -> tuple[str, int] | BaseResponse:
    """A moderator revokes an invitation (after the page's confirmation) by the command
    the console and the API run, `revoke_invitation`, which also closes its person's
    connections; back to the list, which says so (`?revoked=<id>`). A refusal of the
    command is said on the list, its code in `data-error-code`; a form without its CSRF
    token, or someone not a moderator, is refused on the error page, with no list."""
    check_csrf()  # first, as every form: a forged post learns nothing, not even a role
    code = normalise_join_code(code)
    viewer = _moderator(code)
    wanted = int(invitation_id) if invitation_id.isdecimal() else invitation_id
    payload = {"invitation_id": wanted}
    reply = commands.run(current_core(), viewer, "revoke_invitation", payload, translate_error)
    if not reply["ok"]:
        return _refused(code, viewer, reply["error"]["code"], reply["error"]["message"])
    return redirect(url_to("invitations.invitations_page", code=code, revoked=wanted))


def _refused(code: str, viewer: Viewer, error_code: str, message: str) -> tuple[str, int]:
    return _page(code, viewer, error=message, error_code=error_code), status_of(error_code)


def _page(code: str, viewer: Viewer, **shown: Any) -> str:
    core = current_core()
    views = [_absolute(view) for view in service.invitations(core, viewer, _secret())]
    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, viewer.consultation_id)
        participation = rules.participation_of(consultation.settings)
        title = consultation.title
    return render_template(
        "invitations/list.html",
        code=code,
        title=title,
        invitations=views,
        participation=participation,
        columns=rules.COLUMNS,
        max_rows=rules.MAX_ROWS,
        **shown,
    )


# -- the personal link -------------------------------------------------------------------


@blueprint.get("/i/<token>")
def invitation_form(token: str) -> tuple[str, int] | str:
    """Say whom the link invites, to what, with the privacy notice, its box and one button
    (a mail scanner's visit is no arrival)."""
    try:
        invitation = service.invited_by(current_core(), token)
    except DomainError as error:
        page = render_template("error.html", message=translate_error(error), code=None)
        return page, status_of(error.code)
    return _invitation_page(invitation, field_errors={}, form={})


def _invitation_page(invitation: Invitation, **shown: Any) -> str:
    """The personal link's page, its privacy notice in the page's language."""
    with current_core().store.reading() as tx:
        consultation = tx.get_one(Consultation, invitation.consultation_id)
        notice = notice_for(consultation.settings, consultation.languages, select_locale())
        return render_template(
            "invitations/open.html",
            invitation=invitation,
            title=consultation.title,
            region=consultation.region,
            notice=notice,
            **shown,
        )


def _notice_of(invitation: Invitation) -> Notice:
    """The privacy notice the link's page showed (in the page's language)."""
    with current_core().store.reading() as tx:
        consultation = tx.get_one(Consultation, invitation.consultation_id)
        return notice_for(consultation.settings, consultation.languages, select_locale())


@blueprint.post("/i/<token>")
def join_by_link(token: str) -> BaseResponse | tuple[str, int]:
    """The invited person accepts the privacy notice and joins (or comes back, on any
    device) and goes to the consultation; an unticked box is said under it (422)."""
    check_csrf()
    device = request_device()
    invitation = service.invited_by(current_core(), token)
    try:
        parse_consent(request.form.get("consent"), required=True)
    except DomainError as error:
        errors = {"consent": translate_error(error)}
        page = _invitation_page(invitation, field_errors=errors, form=request.form)
        return page, status_of(error.code)
    notice = _notice_of(invitation)
    consent = Consent(notice.version, notice.language)
    admitted = service.join_by_link(current_core(), token, device, consent=consent)
    if admitted.events:
        metrics.JOINS.inc()
    emitter.publish(current_core(), admitted.events)
    with current_core().store.reading() as tx:
        code = tx.get_one(Consultation, admitted.viewer.consultation_id).join_code
    response = redirect(url_to("pages.attendee", code=code))
    _let_in(response, code, admitted.token, device)
    return response


@blueprint.post("/api/invitations/join")
def join_api() -> Response:
    """`{"link": token}` → the invited person's token (the same on every device); with
    `"consent": true` (and the `"language"` shown) the privacy notice's acceptance is
    recorded, as for `POST /api/consultations/<code>/join`."""
    device = request_device()
    body = json_body()
    consent = None
    if parse_consent(body.get("consent"), required=False):
        invitation = service.invited_by(current_core(), body.get("link"))
        with current_core().store.reading() as tx:
            code = tx.get_one(Consultation, invitation.consultation_id).join_code
        notice = requested_notice(code, body.get("language"))
        consent = Consent(notice.version, notice.language)
    admitted = service.join_by_link(current_core(), body.get("link"), device, consent=consent)
    emitter.publish(current_core(), admitted.events)
    with current_core().store.reading() as tx:
        code = tx.get_one(Consultation, admitted.viewer.consultation_id).join_code
    response = jsonify(
        {
            "ok": True,
            "token": admitted.token,
            "participant_id": admitted.viewer.participant_id,
            "join_code": code,
        }
    )
    _let_in(response, code, admitted.token, device)
    return response


def _let_in(response: BaseResponse, code: str, token: str, device: str) -> None:
    set_token_cookie(response, code, token)
    set_device_cookie(response, device)
    if request.cookies.get(LANGUAGE_COOKIE):
        return  # the language they chose before
    language = service.language_of(current_core(), token)
    if language:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax")
