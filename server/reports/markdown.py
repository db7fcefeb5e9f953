"""The report as Markdown, produced piece by piece so a long timeline streams.

Everything people typed is escaped, so a title or a question cannot turn into a
link, an image or raw HTML in whatever renders the file, and isolated where it
could reorder the line around it (bidi.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.i18n import gettext as _

from .bidi import isolate
from .model import Block, Cell, Facts, Report, Section, Table, Text

_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_LINE_MARKER = re.compile(r"^(\s*)([#>+=-])", re.MULTILINE)
_ORDERED_MARKER = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def escape_inline(text: str) -> str:
    """Text inside a line that Markdown shows as typed: no emphasis, code, links or HTML."""
    return _INLINE.sub(r"\\\1", text)


def escape_line(text: str) -> str:
    """A whole line shown as typed: not a heading, quote or list item either."""
    text = _LINE_MARKER.sub(r"\1\\\2", escape_inline(text))
    return _ORDERED_MARKER.sub(r"\1\\\2", text)


def cell(value: Cell) -> str:
    """A value on one line (a table cell, a heading, a fact)."""
    if value is None:
        return ""
    flat = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return escape_inline(isolate(flat))


def render(report: Report) -> Iterator[str]:
    yield f"# {cell(report.heading)}\n"
    for section in report.sections:
        yield from render_section(section, 2)


def render_section(section: Section, depth: int) -> Iterator[str]:
    yield f"\n{'#' * min(depth, 6)} {cell(section.title)}\n"
    for block in section.blocks:
        yield from render_block(block, depth + 1)


def render_block(block: Block, depth: int) -> Iterator[str]:
    if isinstance(block, Section):
        yield from render_section(block, depth)
    elif isinstance(block, Facts):
        yield "\n"
        for label, value in block.rows:
            yield f"- **{cell(label)}:** {cell(value)}\n"
    elif isinstance(block, Table):
        yield from _table(block)
    elif isinstance(block, Text):
        yield from _text(block.text)


def _table(table: Table) -> Iterator[str]:
    rows = table.read()
    first = next(rows, None)
    if first is None:
        yield f"\n{_('None.')}\n"
        return
    yield "\n| " + " | ".join(cell(c) for c in table.columns) + " |\n"
    yield "|" + "---|" * len(table.columns) + "\n"
    yield "| " + " | ".join(cell(c) for c in first) + " |\n"
    for row in rows:
        yield "| " + " | ".join(cell(c) for c in row) + " |\n"


def _text(text: str) -> Iterator[str]:
    """Paragraphs as written; a single line break stays a line break (two trailing spaces)."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    for paragraph in paragraphs:
        lines = [escape_line(isolate(line.strip())) for line in paragraph.split("\n")]
        yield "\n" + "  \n".join(lines) + "\n"
