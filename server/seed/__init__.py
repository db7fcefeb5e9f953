"""The demo, seeded into an empty database by `make run`: the Africa consultation of
the demo series (seed/series.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from server.core.models import Consultation
from server.core.runtime import Core
from server.features.agenda.files import read_agenda_text
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec

from .series import Demo, seed_series

DEMO = Path(__file__).with_name("africa-2024.yaml")


def read_agenda_file(path: Path) -> Any:
    """Read an agenda file, YAML or JSON (see docs/agenda-format.md)."""
    return parse_agenda_text(path.read_text(encoding="utf-8"), path.suffix)


def parse_agenda_text(text: str, suffix: str) -> Any:
    """An agenda file's content, read within bounds (features/agenda/files.py)."""
    return read_agenda_text(text, suffix)


def create_from_file(core: Core, path: Path) -> consultations.Created:
    return consultations.create(core, parse_spec(read_agenda_file(path)))


def seed_demo_if_empty(core: Core) -> Demo | None:
    """Create the demo unless the database already holds a consultation: the Africa
    consultation of the demo series, with its other regions and a sample rehearsal."""
    with core.store.reading() as tx:
        if tx.scalar(select(func.count(Consultation.id))):
            return None
    return seed_series(core)
