"""docs/api.md names every column of the CSV download and every field of the archive,
as the server writes them, so a client can read both from the docs alone."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from server.reports import exports
from server.reports.model import Audience
from tests.reports.scripted import run_script

API = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture
def written(core, clock):
    """What the exporter writes for a consultation that used every feature."""
    scripted = run_script(core, clock)

    def read(fmt: str) -> bytes:
        chosen = exports.FORMATS[fmt]
        return b"".join(exports.stream(core, scripted.consultation.id, chosen, Audience("full")))

    return read


def documented(heading: str) -> dict[str, list[str]]:
    """The `| `name` | `a`, `b` |` rows of the docs/api.md section under `heading`."""
    section = API.read_text().split(heading, 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, re.M)
    return {name: re.findall(r"`([^`]+)`", cells) for name, cells in rows}


def test_every_csv_file_and_its_columns_are_documented(written):
    files = zipfile.ZipFile(io.BytesIO(written("csv")))
    actual = {}
    for name in files.namelist():
        header = files.read(name).decode("utf-8-sig").splitlines()[0]
        actual[name] = header.split(",")
    assert documented("#### CSV columns") == actual


def test_every_archive_table_and_its_fields_are_documented(written):
    archive = json.loads(written("json"))
    docs = documented("#### Archive fields")
    assert set(docs) == {"consultation", "events", *archive["tables"]}
    assert sorted(docs["consultation"]) == sorted(archive["consultation"])
    assert sorted(docs["events"]) == sorted({key for event in archive["events"] for key in event})
    for name, rows in archive["tables"].items():
        if rows:  # the script leaves no speakers' list closed
            assert sorted(docs[name]) == sorted({key for row in rows for key in row}), name
