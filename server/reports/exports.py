"""The four downloads: which format, for whom, under which name, streamed how."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.core.errors import N_, DomainError, Forbidden, NotFound
from server.core.events import MODERATOR, STAFF_ROLES
from server.core.models import Consultation
from server.core.runtime import Core

from . import csv_export, docx, json_archive, markdown
from .containment import utf8
from .model import Audience, ReportContext, build, open_report

CHUNK_CHARS = 64 * 1024


def _joined(pieces: Iterable[str]) -> Iterator[bytes]:
    """Small strings gathered into chunks of about 64 KB, UTF-8 encoded (see `utf8`)."""
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield utf8("".join(buffer))
            buffer, size = [], 0
    if buffer:
        yield utf8("".join(buffer))


def _markdown(ctx: ReportContext) -> Iterator[bytes]:
    return _joined(markdown.render(build(ctx)))


def _docx(ctx: ReportContext) -> Iterator[bytes]:
    yield docx.render(build(ctx))


def _json(ctx: ReportContext) -> Iterator[bytes]:
    return _joined(json_archive.export(ctx.tx, ctx.consultation, ctx.wiring))


@dataclass(frozen=True)
class Format:
    extension: str
    mimetype: str
    render: Callable[[ReportContext], Iterator[bytes]]
    default_audience: Audience
    audiences: frozenset[Audience]


BOTH = frozenset({Audience.SHAREABLE, Audience.FULL})
FORMATS = {
    "markdown": Format("md", "text/markdown; charset=utf-8", _markdown, Audience.SHAREABLE, BOTH),
    "docx": Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _docx,
        Audience.SHAREABLE,
        BOTH,
    ),
    "csv": Format("zip", "application/zip", csv_export.render, Audience.SHAREABLE, BOTH),
    # The archive is the whole record, so only moderators may take it away.
    "json": Format("json", "application/json", _json, Audience.FULL, frozenset({Audience.FULL})),
}


def find_format(name: str) -> Format:
    found = FORMATS.get(name)
    if found is None:
        raise NotFound(
            "unknown_format",
            N_("Reports come as markdown, docx, csv or json, not %(format)s."),
            format=name[:20],
        )
    return found


def choose_audience(fmt: Format, asked: str | None, role: str) -> Audience:
    """The audience asked for (or the format's default), if this role may have it."""
    if role not in STAFF_ROLES:
        raise Forbidden("forbidden", N_("Only moderators and rapporteurs can download reports."))
    if asked and asked not in BOTH:  # the public page's audience is no download's
        raise DomainError("invalid_audience", N_("The audience is shareable or full."))
    audience = Audience(asked) if asked else fmt.default_audience
    if audience not in fmt.audiences:
        raise DomainError(
            "invalid_audience", N_("The JSON archive is the whole record: ask for audience=full.")
        )
    if audience == Audience.FULL and role != MODERATOR:
        raise Forbidden("forbidden", N_("Only moderators can download the full record."))
    return audience


def file_name(consultation: Consultation, fmt: Format, audience: Audience) -> str:
    """`<short name>-<date of the consultation, in its zone>-<shareable|full>.<extension>`;
    the archive, which has one audience, `…-report.json`."""
    day = consultation.scheduled_start.astimezone(ZoneInfo(consultation.time_zone)).date()
    which = "report" if len(fmt.audiences) == 1 else str(audience)
    return f"{consultation.short_name}-{day.isoformat()}-{which}.{fmt.extension}"


def stream(core: Core, consultation_id: int, fmt: Format, audience: Audience) -> Iterator[bytes]:
    """The file in pieces, all read from one consistent snapshot of the database."""
    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, consultation_id)
        yield from fmt.render(open_report(tx, consultation, audience, core.now(), core.wiring))


def archive_to_file(core: Core, find: Callable[[Session], Consultation], path: Path | None) -> Path:
    """From the command line: the JSON archive of the consultation `find(tx)` reads (by
    its join code: the consultations feature's `find_by_code`)."""
    fmt = FORMATS["json"]
    with core.store.reading() as tx:
        consultation = find(tx)
        consultation_id = consultation.id
        target = path or Path(file_name(consultation, fmt, Audience.FULL))
    with target.open("wb") as out:
        for chunk in stream(core, consultation_id, fmt, Audience.FULL):
            out.write(chunk)
    return target
