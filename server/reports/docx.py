"""The report as a Word document: headings, tables and the notes, ready to edit.

A DOCX file is a zip of XML written at the end, so it is built in memory. Table
rows are appended as raw XML: python-docx's `add_row` costs ~0.4 ms a row,
which a 20,000-event timeline would turn into eight seconds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from server.i18n import gettext as _

from .bidi import isolate
from .containment import encodable
from .model import Block, Cell, Facts, Report, Section, Table, Text

# Characters XML 1.0 cannot hold (U+FFFE, stray controls): lxml refuses them outright.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """Text XML can hold (a lone surrogate shows as U+FFFD, as in every format),
    isolated where it could reorder the text around it (bidi.py)."""
    return isolate(_xml_safe(value))


def _xml_safe(value: object) -> str:
    return _NOT_XML.sub("", encodable("" if value is None else str(value)))


def render(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = xml_text(report.heading)
    document.add_heading(xml_text(report.heading), level=0)
    for section in report.sections:
        render_section(document, section, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_section(document: DocumentObject, section: Section, level: int) -> None:
    document.add_heading(xml_text(section.title), level=min(level, 9))
    for block in section.blocks:
        render_block(document, block, level + 1)


def render_block(document: DocumentObject, block: Block, level: int) -> None:
    if isinstance(block, Section):
        render_section(document, block, level)
    elif isinstance(block, Facts):
        for label, value in block.rows:
            paragraph = document.add_paragraph()
            paragraph.add_run(xml_text(f"{label}: ")).bold = True
            paragraph.add_run(xml_text(value))
    elif isinstance(block, Table):
        add_table(document, block.columns, block.read())
    elif isinstance(block, Text):
        add_text(document, block.text)


def add_table(
    document: DocumentObject, columns: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> DocxTable | None:
    """A table with a bold header row; an empty one is a line saying so."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        document.add_paragraph(_("None."))
        return None
    table: DocxTable = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for heading, target in zip(columns, table.rows[0].cells, strict=True):
        target.paragraphs[0].add_run(xml_text(heading)).bold = True
    _append_row(table, first)
    for row in rows:
        _append_row(table, row)
    return table


def _append_row(table: DocxTable, values: Sequence[Cell]) -> None:
    tr = OxmlElement("w:tr")
    for value in values:
        tc = OxmlElement("w:tc")
        paragraph = OxmlElement("w:p")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = xml_text(value)
        text.set(qn("xml:space"), "preserve")
        run.append(text)
        paragraph.append(run)
        tc.append(paragraph)
        tr.append(tc)
    table._tbl.append(tr)


def add_text(document: DocumentObject, text: str) -> None:
    """Paragraphs as written; single line breaks become breaks within a paragraph."""
    normalised = _xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    for block in re.split(r"\n\s*\n", normalised):
        run = document.add_paragraph().add_run()
        for number, line in enumerate(block.split("\n")):
            if number:
                run.add_break()
            run.add_text(isolate(line))
