"""Who may take part: the participation settings, and reading a registration list.

A consultation is open (anyone with the join code) or invited (a registration list,
each person with a personal link). The one rule that refuses walk-ins is in
core/access.py (`check_actor`); here are the settings it reads and the CSV file
organisers import. Nothing here touches the database or the web.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from server.core.access import INVITED, OPEN, participation
from server.core.errors import N_, DomainError
from server.core.languages import LANGUAGES
from server.core.text import clean_text
from server.features.consultations.countries import country_code
from server.features.consultations.rules import STAKEHOLDER_GROUPS

MODES = (OPEN, INVITED)
MAX_ROWS = 5000
# Room for 5,000 rows of names and e-mail addresses (the server takes 1 MiB bodies).
MAX_BYTES = 1_000_000
COLUMNS = ("name", "email", "stakeholder_group", "country", "language")
REQUIRED_COLUMNS = ("name", "stakeholder_group", "country", "language")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Participation:
    """`settings.invitations`: the mode, and whether walk-ins may ask questions."""

    mode: str = OPEN
    walk_in_questions: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "walk_in_questions": self.walk_in_questions}


def parse_participation(value: Any, current: Participation | None = None) -> Participation:
    """The settings as given (an agenda file's `settings.invitations`, or a command's
    changes over `current`): `mode` open or invited, `walk_in_questions` true or false."""
    if not isinstance(value, dict) or not value or set(value) - {"mode", "walk_in_questions"}:
        raise DomainError(
            "invalid_participation",
            N_("Participation settings are mode (open or invited) and walk_in_questions."),
        )
    base = current or Participation()
    mode = value.get("mode", base.mode)
    if mode not in MODES:
        raise DomainError("invalid_mode", N_("The mode is open or invited."))
    walk_ins = value.get("walk_in_questions", base.walk_in_questions)
    if not isinstance(walk_ins, bool):
        raise DomainError(
            "invalid_walk_in_questions", N_("Whether walk-ins may ask is true or false.")
        )
    return Participation(mode, walk_ins)


def participation_of(settings: dict[str, Any]) -> Participation:
    """The participation settings stored with a consultation (open if none)."""
    return Participation(*participation(settings))


# -- the registration list ------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """One person of a registration list, checked."""

    line: int
    display_name: str
    email: str
    stakeholder_group: str
    country: str
    language: str


@dataclass(frozen=True)
class RowError:
    """What is wrong with one line of the file (its number counts the header as line 1)."""

    line: int
    column: str
    error: DomainError


class RegistrationListError(DomainError):
    """A registration list with wrong rows: nothing of it is imported."""

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(
            "invalid_registration_list",
            N_("The registration list has errors; nothing was imported."),
        )
        self.rows = rows


def too_large() -> DomainError:
    return DomainError(
        "registration_list_too_large",
        N_("A registration list holds at most %(rows)s people (%(mb)s MB)."),
        rows=MAX_ROWS,
        mb=MAX_BYTES // 1_000_000,
    )


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark."""
    if len(data) > MAX_BYTES:
        raise too_large()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "invalid_registration_encoding", N_("Save the registration list as UTF-8 CSV.")
        ) from None


def parse_registrations(
    data: bytes, default_language: str, taken_emails: Collection[str] = ()
) -> list[Registration]:
    """Every row of a registration list (CSV with a header row: name, email (optional),
    stakeholder_group, country, language), or `RegistrationListError` naming each wrong
    line. `taken_emails`: addresses already invited (compared case-blind; see also
    `check_not_taken`)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    header = _header(next(reader, None))
    people: list[Registration] = []
    errors: list[RowError] = []
    seen = {email.casefold() for email in taken_emails if email}
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(people) + len(errors) >= MAX_ROWS:
            raise too_large()
        person, wrong = _row(start, header, row, default_language, seen)
        if person is not None:
            people.append(person)
            seen.add(person.email.casefold())
        errors += wrong
    if errors:
        raise RegistrationListError(errors)
    if not people:
        raise DomainError("empty_registration_list", N_("The registration list has no one."))
    return people


def check_not_taken(people: list[Registration], taken_emails: Collection[str]) -> None:
    """Refuse the list if one of its addresses is already invited (read under the lock,
    after the file was read without it)."""
    taken = {email.casefold() for email in taken_emails if email}
    errors = [
        RowError(person.line, "email", _duplicate())
        for person in people
        if person.email and person.email.casefold() in taken
    ]
    if errors:
        raise RegistrationListError(errors)


def _duplicate() -> DomainError:
    return DomainError("duplicate_email", N_("This e-mail address is already on the list."))


def _header(row: list[str] | None) -> list[str]:
    names = [cell.strip().lower() for cell in row or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise DomainError(
            "invalid_registration_header",
            N_("The first line names the columns: %(columns)s (email may be left out)."),
            columns=", ".join(COLUMNS),
        )
    return names


def _row(
    line: int, header: list[str], row: list[str], default_language: str, seen: Iterable[str]
) -> tuple[Registration | None, list[RowError]]:
    if len(row) != len(header):
        wrong = DomainError(
            "invalid_row",
            N_("This line has %(found)s fields; the header has %(wanted)s."),
            found=len(row),
            wanted=len(header),
        )
        return None, [RowError(line, "", wrong)]
    cells = dict(zip(header, row, strict=True))
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for column, check in (
        ("name", lambda v: clean_text(v, "name", max_length=60)),
        ("email", _email),
        ("stakeholder_group", _group),
        ("country", country_code),
        ("language", lambda v: _language(v, default_language)),
    ):
        try:
            values[column] = check(cells.get(column, ""))
        except DomainError as error:
            errors.append(RowError(line, column, error))
    if not errors and values["email"] and values["email"].casefold() in seen:
        errors.append(RowError(line, "email", _duplicate()))
    if errors:
        return None, errors
    return Registration(
        line,
        values["name"],
        values["email"],
        values["stakeholder_group"],
        values["country"],
        values["language"],
    ), []


def _email(value: str) -> str:
    text = value.strip()
    if text and (len(text) > 254 or not _EMAIL.match(text)):
        raise DomainError("invalid_email", N_("This is not an e-mail address."))
    return text


def _group(value: str) -> str:
    group = value.strip()
    if group not in STAKEHOLDER_GROUPS:
        raise DomainError(
            "invalid_stakeholder_group",
            N_("The stakeholder group is one of %(groups)s."),
            groups=", ".join(STAKEHOLDER_GROUPS),
        )
    return group


def _language(value: str, default: str) -> str:
    language = value.strip().lower() or default
    if language not in LANGUAGES:
        raise DomainError("invalid_language", N_("The language is one of en, fr, pt and ar."))
    return language
