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

    A `field` parameter is a field's label (see domain/text.py) and is translated too.
    """
    template = gettext(error.template)
    if not error.params:
        return template
    params = {k: gettext(v) if k == "field" else v for k, v in error.params.items()}
    return template % params
