"""The privacy notice a person reads and accepts before joining.

The organiser may write one per language (`settings.privacy_notice`, checked in
consultations/rules.py); a language without one gets the organiser's text in the
consultation's first language that has one, else Baraza's default, translated,
which states the consultation's own retention period. Its version is a digest of
the very text shown, so the record says what each person accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from server.core.errors import N_
from server.features.consultations.rules import retention_days
from server.i18n import gettext as _
from server.i18n import ngettext

# The default notice, paragraph by paragraph: the first is shown on the join form,
# the rest one tap away.
SUMMARY = N_(
    "Baraza keeps what you tell it and what you do here to run this consultation and report on it."
)
WHAT = N_(
    "What is kept: the name you give (if any), your stakeholder group, country and "
    "language, and what you do here: your questions, upvotes, poll answers and raised hands."
)
WHY = N_("Why: to run the consultation and to write its report.")
WHO = N_(
    "Who sees it: the moderators and rapporteurs see all of it. Other participants see "
    "your name only beside a question you ask under your name, and when you have the "
    "floor. Reports count people by stakeholder group and country and never name anyone "
    "who asked anonymously."
)
RIGHTS = N_(
    "You can see and download what Baraza holds about you, and erase your name, from "
    "“My data” on the consultation's page."
)


@dataclass(frozen=True)
class Notice:
    """A privacy notice as shown: its language, its paragraphs and its version."""

    language: str
    paragraphs: tuple[str, ...]
    custom: bool

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def version(self) -> str:
        """A digest of the text: two people who read the same words accepted the same version."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


def notice_for(settings: Any, languages: list[Any], language: str) -> Notice:
    """The notice a reader of `language` is shown, in the current request's language if
    it is Baraza's default (the caller picks that language)."""
    written = settings.get("privacy_notice") if isinstance(settings, dict) else None
    if isinstance(written, dict) and written:
        chosen = language if language in written else _first_written(written, languages)
        text = str(written[chosen])
        return Notice(chosen, tuple(p.strip() for p in text.split("\n\n") if p.strip()), True)
    days = retention_days(settings)
    default = (
        _(SUMMARY),
        _(WHAT),
        _(WHY),
        _(WHO),
        ngettext(
            "How long: names are erased %(num)s day after the consultation ends; the rest "
            "is kept without names.",
            "How long: names are erased %(num)s days after the consultation ends; the rest "
            "is kept without names.",
            days,
        ),
        _(RIGHTS),
    )
    return Notice(language, default, custom=False)


def _first_written(written: dict[str, Any], languages: list[Any]) -> str:
    """The consultation's first language with a written notice (every one is offered)."""
    return next((lang for lang in languages if lang in written), next(iter(written)))
