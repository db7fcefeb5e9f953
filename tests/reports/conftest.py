"""The scripted consultation, and reading any report of it as a test would."""

from __future__ import annotations

import pytest

from server.reports import exports
from server.reports.model import Audience
from tests.reports.scripted import Scripted, run_script


@pytest.fixture
def scripted(core, clock) -> Scripted:
    return run_script(core, clock)


@pytest.fixture
def download(core):
    """`download(consultation_id, "markdown", "full") -> bytes`, straight from the exporter."""

    def read(consultation_id: int, fmt: str, audience: str = "shareable") -> bytes:
        chosen = exports.FORMATS[fmt]
        return b"".join(exports.stream(core, consultation_id, chosen, Audience(audience)))

    return read
