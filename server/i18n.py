"""Languages: which one a request speaks, and error messages in it."""

from __future__ import annotations

from flask import request
from flask_babel import gettext

from .domain.consultations import LANGUAGES
from .domain.errors import DomainError

LANGUAGE_COOKIE = "baraza_lang"


def select_locale() -> str:
    """The language picked on the page (a cookie), else the browser's best match."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def translate_error(error: DomainError) -> str:
    """The error's message in the request's language, placeholders filled.

    Labels among the parameters (a field's name, a state) and nested reasons are
    translated too (see DomainError.render).
    """
    return error.render(gettext)
