"""Server-rendered pages; everything live on them comes over Socket.IO."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from server import metrics
from server.core import commands, emitter
from server.core.access import Viewer, normalise_join_code
from server.core.errors import DomainError
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.core.languages import LANGUAGES, NAMES
from server.core.models import Consultation
from server.core.runtime import current_core
from server.features.consultations import service as consultations
from server.features.consultations import snapshots
from server.features.consultations.countries import names as country_names
from server.features.consultations.rules import parse_consent, parse_profile, parse_spec
from server.features.consultations.service import Consent
from server.features.consultations.time_zones import zone_choices
from server.features.privacy import service as privacy
from server.features.privacy.notice import notice_for
from server.i18n import LANGUAGE_COOKIE, select_locale, translate_error
from server.seed import parse_agenda_text

from .auth import request_device, request_viewer, set_device_cookie, set_token_cookie
from .errors import status_of, with_retry_after
from .join_limits import address_hash, admit, guarding_codes, refuse_if_locked_out, wrong_code
from .join_qr import join_qr_svg
from .security import same_site_path

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def index() -> str:
    return render_template("index.html")


@blueprint.post("/")
def find_consultation() -> BaseResponse:
    """Go to the consultation's join page, or say on the same form that the code is wrong."""
    typed = request.form.get("code", "")
    try:
        refuse_if_locked_out()
        code = normalise_join_code(typed)
        with current_core().store.reading() as tx:
            consultations.find_by_code(tx, code)
    except DomainError as error:
        if error.code == "unknown_consultation":
            wrong_code()
        return _code_form(error, typed)
    return redirect(url_for("pages.join_form", code=code))


def _code_form(error: DomainError, typed: str) -> Response:
    """The home page's code form again, saying what is wrong, with what was typed."""
    page = render_template("index.html", error=translate_error(error), code=typed)
    return with_retry_after(Response(page, status_of(error.code), mimetype="text/html"), error)


@blueprint.get("/j/<code>")
def join_form(code: str) -> str | Response:
    """The join form; a code no consultation has is said on the home page's form."""
    try:
        refuse_if_locked_out()
        return _join_page(code, error=None)
    except DomainError as error:
        if error.code == "unknown_consultation":
            wrong_code()
        return _code_form(error, code)


def _join_page(code: str, **shown: Any) -> str:
    """The join form with the consultation's facts and its privacy notice in the page's language."""
    with current_core().store.reading() as tx:
        row = consultations.find_by_code(tx, code)
        consultation = snapshots.consultation_view(row)
        notice = notice_for(row.settings, row.languages, select_locale())
    return render_template("join.html", consultation=consultation, notice=notice, **shown)


@blueprint.post("/j/<code>")
@guarding_codes
def join(code: str) -> BaseResponse:
    device = request_device()
    form = request.form.to_dict()
    try:
        admit(code)
        parse_consent(form.get("consent"), required=True)
        notice = privacy.notice_of(current_core(), code, select_locale())
        consent = Consent(notice.version, notice.language)
        admitted = consultations.join(
            current_core(),
            code,
            form,
            device,
            group_required=True,
            address_hash=address_hash(),
            consent=consent,
        )
        metrics.JOINS.inc()
    except DomainError as error:
        general, field_errors = _join_errors(error, form)
        page = _join_page(code, error=general, field_errors=field_errors, form=request.form)
        return with_retry_after(Response(page, status_of(error.code)), error)
    emitter.publish(current_core(), admitted.events)
    response = redirect(url_for("pages.attendee", code=normalise_join_code(code)))
    set_token_cookie(response, code, admitted.token)
    set_device_cookie(response, device)
    return response


def _join_errors(error: DomainError, form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """What the join form says: a field's own error under that field, others above the
    form; with the notice not accepted, what else is wrong is said at once too."""
    errors = [error]
    if error.code == "consent_required":
        try:
            parse_profile(form, group_required=True)
        except DomainError as also:
            errors.append(also)
    general, fields = None, {}
    for each in errors:
        field = next((f for f in JOIN_FIELDS if f in each.code), None)
        if field is None:
            general = translate_error(each)
        else:
            fields[field] = translate_error(each)
    return general, fields


# The join form's fields that say their own errors (named in the error's code).
JOIN_FIELDS = ("stakeholder_group", "consent")


@blueprint.get("/m/<token>")
@blueprint.get("/r/<token>")
def claim_form(token: str) -> str | tuple[str, int]:
    """Say which consultation and which role the link gives, before anyone claims it."""
    try:
        holder = consultations.link_holder(current_core(), token)
    except DomainError as error:
        page = render_template("error.html", message=translate_error(error), code=None)
        return page, status_of(error.code)
    return render_template("claim.html", holder=holder)


@blueprint.post("/m/<token>")
@blueprint.post("/r/<token>")
def claim(token: str) -> BaseResponse:
    admitted = consultations.claim_link(current_core(), token, request.form.to_dict())
    emitter.publish(current_core(), admitted.events)
    with current_core().store.reading() as tx:
        code = tx.get_one(Consultation, admitted.viewer.consultation_id).join_code
    page = "pages.moderate" if admitted.viewer.role == MODERATOR else "pages.report"
    response = redirect(url_for(page, code=code))
    set_token_cookie(response, code, admitted.token)
    return response


def _page(code: str, template: str, role: str) -> BaseResponse | str:
    code = normalise_join_code(code)
    try:
        viewer = request_viewer(code)
    except DomainError:
        return redirect(url_for("pages.join_form", code=code))
    if viewer.role != role and not (role == ATTENDEE and viewer.role == MODERATOR):
        return redirect(url_for(_home_of(viewer.role), code=code))
    return render_template(template, code=code, role=viewer.role, snapshot=_first(viewer, role))


def _first(viewer: Viewer, role: str) -> dict[str, Any] | None:
    """The attendee page's snapshot, sent with it: a phone on a slow link shows the
    consultation as soon as its script runs, while the connection is still opening
    (the connection then replays what happened since). None if the store is away:
    the page gets it over the connection as other pages do."""
    if role != ATTENDEE:
        return None
    try:
        return snapshots.snapshot(current_core(), viewer)
    except DomainError:
        return None


def _home_of(role: str) -> str:
    return {ATTENDEE: "pages.attendee", MODERATOR: "pages.moderate", RAPPORTEUR: "pages.report"}[
        role
    ]


@blueprint.get("/c/<code>")
def attendee(code: str) -> BaseResponse | str:
    return _page(code, "attendee.html", ATTENDEE)


@blueprint.get("/c/<code>/moderate")
def moderate(code: str) -> BaseResponse | str:
    return _page(code, "moderator.html", MODERATOR)


@blueprint.get("/c/<code>/report")
def report(code: str) -> BaseResponse | str:
    return _page(code, "rapporteur.html", RAPPORTEUR)


@blueprint.get("/c/<code>/my-data")
def my_data(code: str) -> BaseResponse | str:
    """What Baraza holds about the person this browser joined as, with a download and a
    way to erase their name."""
    code = normalise_join_code(code)
    try:
        viewer = request_viewer(code)
    except DomainError:
        return redirect(url_for("pages.join_form", code=code))
    return _my_data_page(code, viewer, erased=request.args.get("erased") == "1", error=None)


def _my_data_page(code: str, viewer: Viewer, **shown: Any) -> str:
    data = privacy.my_data(current_core(), viewer)
    country = data["profile"]["country"]
    return render_template(
        "my_data.html",
        code=code,
        data=data,
        home=_home_of(viewer.role),
        country_name=country_names(select_locale()).get(country, country),
        language_name=NAMES.get(data["consent"]["language"] or ""),
        question_states={
            "pending": _("Waiting for a moderator"),
            "approved": _("In the queue"),
            "answered": _("Answered"),
            "dismissed": _("Not taken up"),
            "archived": _("Archived"),
            "merged": _("Merged with a similar question"),
            "hidden": _("Hidden"),
        },
        hand_states={
            "waiting": _("Waiting"),
            "speaking": _("Speaking"),
            "done": _("Spoke"),
            "withdrawn": _("Withdrawn"),
            "removed": _("Removed by the chair"),
        },
        **shown,
    )


@blueprint.get("/c/<code>/my-data.json")
def my_data_download(code: str) -> Response:
    """The same, as a JSON file to keep."""
    code = normalise_join_code(code)
    data = privacy.my_data(current_core(), request_viewer(code))
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="baraza-my-data-{code}.json"'
    response.cache_control.no_store = True
    return response


@blueprint.post("/c/<code>/my-data/erase-name")
def erase_my_name(code: str) -> BaseResponse | tuple[str, int]:
    """Erase the person's name (once; again changes nothing), then show their data."""
    code = normalise_join_code(code)
    try:
        viewer = request_viewer(code)
    except DomainError:
        return redirect(url_for("pages.join_form", code=code))
    reply = commands.run(current_core(), viewer, "erase_my_name", {}, translate_error)
    if not reply["ok"]:
        page = _my_data_page(code, viewer, erased=False, error=reply["error"]["message"])
        return page, status_of(reply["error"]["code"])
    return redirect(url_for("pages.my_data", code=code, erased=1))


@blueprint.get("/c/<code>/present")
def present(code: str) -> BaseResponse | str:
    """The screen-shared view: public content only, whoever opens it."""
    code = normalise_join_code(code)
    try:
        request_viewer(code)
    except DomainError:
        return redirect(url_for("pages.join_form", code=code))
    return render_template("present.html", code=code, role="present")


@blueprint.get("/language/<lang>")
def choose_language(lang: str) -> Response:
    """Remember the chosen language and return to the page it was chosen on."""
    response = make_response(redirect(same_site_path(request.args.get("next"))))
    if lang in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@blueprint.get("/c/<code>/join.svg")
def join_qr(code: str) -> Response:
    """The join link of a consultation as a QR code (public: the code is on every screen)."""
    code = normalise_join_code(code)
    with current_core().store.reading() as tx:
        consultations.find_by_code(tx, code)
    link = f"{current_app.config['BARAZA'].public_url}/j/{code}"
    response = make_response(join_qr_svg(link, _("Join at %(link)s", link=link)))
    response.mimetype = "image/svg+xml"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@blueprint.get("/c/<code>/new")
def sister_form(code: str) -> BaseResponse | str:
    """A moderator starts another consultation, by default with this one's agenda."""
    code = normalise_join_code(code)
    viewer = _moderator_or_none(code)
    if viewer is None:
        return redirect(url_for("pages.join_form", code=code))
    base = consultations.agenda_file_of(current_core(), viewer.consultation_id)
    return _sister_page(code, base, created=None, error=None)


@blueprint.post("/c/<code>/new")
def create_sister(code: str) -> BaseResponse | tuple[str, int] | str:
    code = normalise_join_code(code)
    viewer = _moderator_or_none(code)
    if viewer is None:
        return redirect(url_for("pages.join_form", code=code))
    base = consultations.agenda_file_of(current_core(), viewer.consultation_id)
    try:
        created = consultations.create(current_core(), parse_spec(sister_spec(base)))
    except DomainError as error:
        page = _sister_page(code, base, created=None, error=translate_error(error))
        return page, status_of(error.code)
    return _sister_page(code, base, created=created, error=None)


# Each language named in itself, as language menus do.
LANGUAGE_NAMES = (("en", "English"), ("fr", "Français"), ("pt", "Português"), ("ar", "العربية"))


def _sister_page(code: str, base: dict[str, Any], **shown: Any) -> str:
    zones = zone_choices(select_locale(), current_core().now(), str(base.get("time_zone", "")))
    return render_template(
        "sister.html", code=code, base=base, zones=zones, language_names=LANGUAGE_NAMES, **shown
    )


def sister_spec(base: dict[str, object]) -> object:
    """This consultation's agenda file with the form's fields over it, or the uploaded file."""
    upload = request.files.get("agenda_file")
    if upload and upload.filename:
        suffix = ".json" if upload.filename.lower().endswith(".json") else ".yaml"
        return parse_agenda_text(upload.read().decode("utf-8", errors="replace"), suffix)
    fields = ("short_name", "title", "region", "time_zone", "start")
    spec = {**base, **{f: request.form[f] for f in fields if request.form.get(f)}}
    if request.form.getlist("languages"):
        spec["languages"] = request.form.getlist("languages")
    if request.form.get("chatham_house") == "on":
        spec["settings"] = {"chatham_house": True}
    return spec


def _moderator_or_none(code: str) -> Viewer | None:
    try:
        viewer = request_viewer(code)
    except DomainError:
        return None
    return viewer if viewer.role == MODERATOR else None
