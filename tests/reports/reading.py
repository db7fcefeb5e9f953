"""Reading reports as a person (or a spreadsheet) would: parts of the Markdown, CSV files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable


def markdown_of(download: Callable[..., bytes], consultation_id: int, audience: str) -> str:
    """The Markdown report, as text."""
    return download(consultation_id, "markdown", audience).decode()


def part(markdown: str, heading: str) -> str:
    """What follows `heading` (a whole line) up to the next heading of its level or above."""
    level = len(heading.split(" ", 1)[0])
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    rest = markdown[start:]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def table_rows(markdown: str) -> list[str]:
    """The body rows of every table in `markdown`, as lines."""
    lines = [*markdown.splitlines(), ""]
    return [
        line
        for line, after in zip(lines, lines[1:], strict=False)
        if line.startswith("| ") and not after.startswith("|---")
    ]


def csv_files(data: bytes) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
    }
