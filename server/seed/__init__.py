"""The demo consultation, seeded into an empty database by `make run`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from ..domain.consultations import parse_spec
from ..domain.errors import N_, DomainError
from ..services import consultations
from ..services.core import Core
from ..storage.models import Consultation

DEMO = Path(__file__).with_name("africa-2024.yaml")


def read_agenda_file(path: Path) -> Any:
    """Read an agenda file, YAML or JSON (see docs/agenda-format.md)."""
    return parse_agenda_text(path.read_text(encoding="utf-8"), path.suffix)


def parse_agenda_text(text: str, suffix: str) -> Any:
    try:
        return json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise DomainError("invalid_agenda_file", N_("The agenda file cannot be read.")) from error


def create_from_file(core: Core, path: Path) -> consultations.Created:
    return consultations.create(core, parse_spec(read_agenda_file(path)))


def seed_demo_if_empty(core: Core) -> consultations.Created | None:
    """Create the demo consultation unless the database already holds one."""
    with core.store.reading() as tx:
        if tx.scalar(select(func.count(Consultation.id))):
            return None
    return create_from_file(core, DEMO)
