"""Publishing: the shareable report and the moderation counts on public pages.

Who may do what: moderators and rapporteurs publish the report once the consultation
has ended (`publish_report` → `report_published`) and withdraw it (`withdraw_report` →
`report_withdrawn`); moderators alone switch the public moderation page on and off,
at any time (`publish_moderation_page` → `moderation_page_published`,
`withdraw_moderation_page` → `moderation_page_withdrawn`). Every event is public, so
attendees hear of it live, after the end too; everyone's snapshot says what is
published (`publication`). The pages themselves are read by anyone holding the link
(server/web/public_pages.py); nothing else of the consultation is reachable from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.core.access import Viewer, new_token
from server.core.errors import N_, Conflict, NotFound
from server.core.events import MODERATOR, STAFF_ROLES, EventDraft
from server.core.lifecycle import ENDED
from server.core.models import Consultation
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.store import rows_of
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work

from .models import Publication
from .views import PublicationPart, PublicationView

REPORT, MODERATION = "report", "moderation"


def report_path(public_id: str) -> str:
    return f"/p/{public_id}"


def moderation_path(public_id: str) -> str:
    return f"/p/{public_id}/moderation"


def publish_report(core: Core, viewer: Viewer) -> Outcome:
    """Staff put the shareable report on its public page; attendees are told where."""
    with unit_of_work(core, viewer, STAFF_ROLES, not_ended=False) as uow:
        if uow.consultation.state != ENDED:
            raise Conflict(
                "not_ended", N_("The report is published once the consultation has ended.")
            )
        publication = _publication(uow)
        if publication.report_published_at is not None:
            raise Conflict("already_published", N_("The report is published already."))
        publication.report_published_at = uow.now
        path = report_path(publication.public_id)
        uow.log([EventDraft("report_published", {"path": path})])
        uow.reply(publication=_view(publication))
    return uow.outcome


def withdraw_report(core: Core, viewer: Viewer) -> Outcome:
    """Staff take the report's public page down (its link answers 404 until published again)."""
    with unit_of_work(core, viewer, STAFF_ROLES, not_ended=False) as uow:
        publication = _existing(uow.tx, uow.consultation.id)
        if publication is None or publication.report_published_at is None:
            raise Conflict("not_published", N_("The report is not published."))
        publication.report_published_at = None
        uow.log([EventDraft("report_withdrawn", {})])
        uow.reply(publication=_view(publication))
    return uow.outcome


def publish_moderation_page(core: Core, viewer: Viewer) -> Outcome:
    """A moderator opens the public moderation page (counts only), during or after."""
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        publication = _publication(uow)
        if publication.moderation_published_at is not None:
            raise Conflict("already_published", N_("The moderation page is published already."))
        publication.moderation_published_at = uow.now
        path = moderation_path(publication.public_id)
        uow.log([EventDraft("moderation_page_published", {"path": path})])
        uow.reply(publication=_view(publication))
    return uow.outcome


def withdraw_moderation_page(core: Core, viewer: Viewer) -> Outcome:
    """A moderator takes the public moderation page down."""
    with unit_of_work(core, viewer, {MODERATOR}, not_ended=False) as uow:
        publication = _existing(uow.tx, uow.consultation.id)
        if publication is None or publication.moderation_published_at is None:
            raise Conflict("not_published", N_("The moderation page is not published."))
        publication.moderation_published_at = None
        uow.log([EventDraft("moderation_page_withdrawn", {})])
        uow.reply(publication=_view(publication))
    return uow.outcome


def _existing(tx: Session, consultation_id: int) -> Publication | None:
    return tx.get(Publication, consultation_id)


def _publication(uow: UnitOfWork) -> Publication:
    """The consultation's publication, made with its public id the first time."""
    publication = _existing(uow.tx, uow.consultation.id)
    if publication is None:
        publication = Publication(consultation_id=uow.consultation.id, public_id=new_token())
        uow.tx.add(publication)
    return publication


@dataclass(frozen=True)
class Published:
    """What a public link opens: the consultation, and which of its pages are on."""

    consultation_id: int
    public_id: str
    report: bool
    moderation: bool


def find_published(tx: Session, public_id: str) -> Published:
    """The publication a public link names; an unknown link is `unknown_publication`."""
    publication = tx.scalar(select(Publication).where(Publication.public_id == public_id[:64]))
    if publication is None:
        raise NotFound("unknown_publication", N_("Nothing is published at this address."))
    return Published(
        publication.consultation_id,
        publication.public_id,
        publication.report_published_at is not None,
        publication.moderation_published_at is not None,
    )


# What everyone's snapshot reads of the publication, as columns: built once, every
# join runs it (docs/performance.md).
_PAGES = select(
    Publication.public_id,
    Publication.report_published_at.is_not(None).label("report"),
    Publication.moderation_published_at.is_not(None).label("moderation"),
).where(Publication.consultation_id == bindparam("consultation_id"))


def publication_view(tx: Session, consultation_id: int) -> PublicationView:
    """What is published and where; both None before anything was."""
    found = rows_of(tx).execute(_PAGES, {"consultation_id": consultation_id}).first()
    if found is None:
        return {"report": None, "moderation": None}
    return _paths(found.public_id, report=found.report, moderation=found.moderation)


def _view(publication: Publication) -> PublicationView:
    return _paths(
        publication.public_id,
        report=publication.report_published_at is not None,
        moderation=publication.moderation_published_at is not None,
    )


def _paths(public_id: str, *, report: bool, moderation: bool) -> PublicationView:
    return {
        "report": report_path(public_id) if report else None,
        "moderation": moderation_path(public_id) if moderation else None,
    }


def publication_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> PublicationPart:
    """Everyone reads what is published and where (attendees' end screen links the report)."""
    return {"publication": shared(tx, "publication", lambda: publication_view(tx, consultation.id))}
