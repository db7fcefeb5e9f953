"""The CSV download: one file per registered table, zipped as it is written.

Each file starts with a UTF-8 byte-order mark so spreadsheets read accents and
Arabic correctly. A cell that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so
"=HYPERLINK(...)" typed as a question stays text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import IO

from .containment import utf8
from .model import Cell, ReportContext, Table, csv_tables, heading

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK_BYTES = 64 * 1024
# Under the Chatham House rule, the zip's first file says which record it is.
CHATHAM_FILE = "00-chatham-house-rule.txt"


def neutralise(value: Cell) -> Cell:
    """A cell a spreadsheet shows as typed, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(values: Sequence[Cell]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([neutralise(value) for value in values])
    return out.getvalue()


class _Sink:
    """Where the zip writer puts its bytes until the response takes them."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        self.size = 0
        return data


def render(ctx: ReportContext) -> Iterator[bytes]:
    """The zip, in pieces of about `CHUNK_BYTES`, each table read as it is written."""
    sink = _Sink()
    stamp = ctx.now.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(sink, "w") as archive:  # the sink cannot seek: zipfile streams
        if ctx.chatham:  # the mark comes first, before any table is opened
            info = zipfile.ZipInfo(CHATHAM_FILE, date_time=stamp)
            mark = heading(ctx.consultation.title, ctx.audience, chatham=True)
            archive.writestr(info, utf8(BOM + mark + "\r\n"))
        for name, table in csv_tables(ctx):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as entry:
                yield from _write_table(entry, table, sink)
            yield sink.take()
    yield sink.take()


def _write_table(entry: IO[bytes], table: Table, sink: _Sink) -> Iterator[bytes]:
    entry.write(utf8(BOM + csv_line(table.columns)))
    for row in table.read():
        entry.write(utf8(csv_line(row)))
        if sink.size >= CHUNK_BYTES:
            yield sink.take()
