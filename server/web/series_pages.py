"""The organiser's pages of a series: its consultations, the next one made in one step,
and the comparison as charts with a table beside each. The organiser link is the path:
`/s/<organiser link>` (like the staff links' `/m/…`); an unknown or revoked one is
`401 unknown_organiser_link`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from server.core.errors import N_, DomainError, NotFound
from server.core.runtime import current_core
from server.features.consultations.time_zones import zone_choices
from server.features.series import archive, comparison
from server.features.series import report as series_report
from server.features.series import service as series
from server.i18n import select_locale, translate_error
from server.reports import docx, markdown

from .errors import status_of
from .pages import LANGUAGE_NAMES
from .security import check_csrf

blueprint = Blueprint("series_pages", __name__)


@blueprint.get("/s/<token>")
def organiser(token: str) -> str:
    series_id = series.series_of_link(current_core(), token)
    view = comparison.organiser_view(current_core(), series_id, token)
    return render_template("series/organiser.html", **_page(view, token))


@blueprint.post("/s/<token>")
def create_regional(token: str) -> tuple[str, int]:
    """The next regional consultation, from the form, made in one step; its links shown once."""
    check_csrf()
    core = current_core()
    series_id = series.series_of_link(core, token)
    form = request.form
    data: dict[str, Any] = {
        "short_name": form.get("short_name", ""),
        "title": form.get("title", ""),
        "region": form.get("region", ""),
        "time_zone": form.get("time_zone", ""),
        "start": form.get("start", ""),
        "languages": form.getlist("languages") or ["en"],
        "dates_unknown": form.get("dates_unknown") == "on",
    }
    created, error, status = None, None, 201
    try:
        created = series.create_regional(core, series_id, token, data)
    except DomainError as refused:
        error, status = translate_error(refused), status_of(refused.code)
    view = comparison.organiser_view(core, series_id, token)
    page = _page(view, token) | {"created": created, "error": error, "typed": data}
    return render_template("series/organiser.html", **page), status


@blueprint.post("/s/<token>/consultations/<consultation_id>/link")
def console_link(token: str, consultation_id: str) -> str:
    """A new moderator link to one consultation's console, shown once on the page."""
    check_csrf()
    core = current_core()
    series_id = series.series_of_link(core, token)
    number = (
        int(consultation_id) if consultation_id.isdecimal() and len(consultation_id) < 10 else 0
    )
    link = series.console_link(core, series_id, token, number)
    view = comparison.organiser_view(core, series_id, token)
    issued = {"consultation_id": number, "link": link}
    return render_template("series/organiser.html", **(_page(view, token) | {"issued": issued}))


def _page(view: Any, token: str) -> dict[str, Any]:
    return {
        "series": view,
        "token": token,
        "zones": zone_choices(select_locale(), current_core().now(), "Africa/Lagos"),
        "language_names": LANGUAGE_NAMES,
        "created": None,
        "error": None,
        "typed": {},
        "issued": None,
    }


@blueprint.get("/s/<token>/comparison")
def compared(token: str) -> str:
    series_id = series.series_of_link(current_core(), token)
    view = comparison.read_comparison(current_core(), series_id, token)
    return render_template("series/comparison.html", comparison=view, token=token)


DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@blueprint.get("/s/<token>/comparison.<fmt>")
def download(token: str, fmt: str) -> Response:
    """The comparison as Markdown, DOCX (a shareable report) or CSV (one line per figure)."""
    series_id = series.series_of_link(current_core(), token)
    if fmt not in DOWNLOADS:
        raise NotFound("unknown_format", N_("This download format does not exist."))
    if fmt == "json":  # the archive of the whole series, not only its comparison
        core = current_core()
        with core.store.reading() as tx:
            written = archive.export(tx, series_id, core.wiring)
        response = Response(written, mimetype=DOWNLOADS[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="series-{series_id}.json"'
        return response
    view = comparison.read_comparison(current_core(), series_id, token)
    if fmt == "md":
        body: bytes = "".join(markdown.render(series_report.build(view))).encode("utf-8")
    elif fmt == "docx":
        body = docx.render(series_report.build(view))
    else:
        body = "".join(series_report.csv_rows(view)).encode("utf-8")
    response = Response(body, mimetype=DOWNLOADS[fmt])
    name = f"comparison-{view['series_id']}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
