"""Pages anyone with the link reads, without joining: what staff published, and a receipt.

- `GET /p/<public id>`: the shareable report, once staff published it, as its public
  page shows it (`Audience.PUBLIC`: nobody named, no timeline), in the reader's language.
- `GET /p/<public id>/moderation`: the moderation log's counts, once a moderator
  published them (during the consultation too).
- `GET /q/<receipt>`: one question as its asker sees it (text, state, the reason it was
  not taken up), from the receipt the asker's browser was given when they asked.

A link that names nothing, or a page withdrawn or not yet published, is a 404 page
saying so. The pages hold no secret of the consultation (its join code is not on them).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from sqlalchemy.orm import Session

from server.core.errors import DomainError
from server.core.models import Consultation
from server.core.runtime import current_core
from server.features.publication import service as publication
from server.features.publication.service import Published
from server.features.questions import service as questions
from server.features.questions.moderation_log import moderation_log
from server.reports.model import (
    Audience,
    Facts,
    ReportContext,
    Section,
    Table,
    Text,
    build,
    open_report,
)

blueprint = Blueprint("public_pages", __name__)

# Search engines need not index what a link shares; a withdrawn page is gone at once.
HEADERS = {"Cache-Control": "no-cache", "X-Robots-Tag": "noindex"}


def _page(html: str, status: int = 200) -> Response:
    return Response(html, status, mimetype="text/html", headers=HEADERS)


def _unavailable(kind: str) -> Response:
    return _page(render_template("public/unavailable.html", kind=kind), 404)


def block_kind(block: Any) -> str:
    """What a report block is, for the template: facts, table, text or section."""
    kinds = {Facts: "facts", Table: "table", Text: "text", Section: "section"}
    return kinds[type(block)]


def paragraphs(text: str) -> list[list[str]]:
    """A note's paragraphs (blank-line separated), each as its lines."""
    flat = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return [[line.strip() for line in part.split("\n")] for part in flat.split("\n\n") if part]


def _published(tx: Session, public_id: str, part: str) -> tuple[Published, ReportContext] | None:
    """The publication at `public_id` and its public report's context, if its `part`
    ("report" or "moderation") is published; None for an unknown or withdrawn link."""
    try:
        published = publication.find_published(tx, public_id)
    except DomainError:
        return None
    if not getattr(published, part):
        return None
    core = current_core()
    consultation = tx.get_one(Consultation, published.consultation_id)
    return published, open_report(tx, consultation, Audience.PUBLIC, core.now(), core.wiring)


@blueprint.get("/p/<public_id>")
def published_report(public_id: str) -> Response:
    """The published report, or a 404 page if it is not (or no longer) published."""
    with current_core().store.reading() as tx:
        found = _published(tx, public_id, "report")
        if found is None:
            return _unavailable("report")
        published, ctx = found
        figures = publication.moderation_path(public_id) if published.moderation else None
        # Rendered inside the read: tables' rows are read from the database as they render.
        html = render_template(
            "public/report.html",
            report=build(ctx),
            consultation=ctx.consultation,
            moderation_path=figures,
            block_kind=block_kind,
            paragraphs=paragraphs,
        )
    return _page(html)


@blueprint.get("/p/<public_id>/moderation")
def published_moderation(public_id: str) -> Response:
    """The moderation log's counts, or a 404 page if they are not published."""
    with current_core().store.reading() as tx:
        found = _published(tx, public_id, "moderation")
        if found is None:
            return _unavailable("moderation")
        published, ctx = found
        html = render_template(
            "public/moderation.html",
            section=moderation_log(ctx),
            consultation=ctx.consultation,
            made=ctx.both(ctx.now),
            report_path=publication.report_path(public_id) if published.report else None,
            block_kind=block_kind,
            paragraphs=paragraphs,
        )
    return _page(html)


@blueprint.get("/q/<receipt>")
def question_receipt(receipt: str) -> Response:
    """A question's state from its receipt, on any device; an unknown receipt is a 404 page."""
    found = questions.by_receipt(current_core(), receipt)
    if found is None:
        return _unavailable("receipt")
    return _page(render_template("public/receipt.html", **found))
