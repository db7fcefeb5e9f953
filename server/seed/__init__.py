"""The demo consultation, seeded into an empty database by `make run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from ..domain.consultations import parse_spec
from ..domain.errors import N_, DomainError, Label
from ..domain.json_input import NOT_JSON, TOO_DEEP, UnreadableJson, check_value, read_json
from ..services import consultations
from ..services.core import Core
from ..storage.models import Consultation

DEMO = Path(__file__).with_name("africa-2024.yaml")


def read_agenda_file(path: Path) -> Any:
    """Read an agenda file, YAML or JSON (see docs/agenda-format.md)."""
    return parse_agenda_text(path.read_text(encoding="utf-8"), path.suffix)


def parse_agenda_text(text: str, suffix: str) -> Any:
    """The agenda file's content; JSON and YAML alike are held to json_input's limits."""
    try:
        if suffix == ".json":
            return read_json(text)
        try:
            document = yaml.safe_load(text)
        except RecursionError as error:  # YAML's reader nests as deep as the file does
            raise UnreadableJson(TOO_DEEP) from error
        check_value(document)
        return document
    except UnreadableJson as error:
        raise unreadable(None if error.reason == NOT_JSON else error.reason) from error
    except yaml.YAMLError as error:
        raise unreadable(None) from error


def unreadable(reason: str | None) -> DomainError:
    if reason is None:
        return DomainError("invalid_agenda_file", N_("The agenda file cannot be read."))
    return DomainError(
        "invalid_agenda_file",
        N_("The agenda file cannot be read: %(reason)s."),
        reason=Label(reason),
    )


def create_from_file(core: Core, path: Path) -> consultations.Created:
    return consultations.create(core, parse_spec(read_agenda_file(path)))


def seed_demo_if_empty(core: Core) -> consultations.Created | None:
    """Create the demo consultation unless the database already holds one."""
    with core.store.reading() as tx:
        if tx.scalar(select(func.count(Consultation.id))):
            return None
    return create_from_file(core, DEMO)
