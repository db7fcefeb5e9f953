"""Languages: which one a request speaks, and error messages in it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import flask_babel
from flask import request

from server.core.languages import LANGUAGES

from .core.errors import DomainError

LANGUAGE_COOKIE = "baraza_lang"


def select_locale() -> str:
    """The language picked on the page (a cookie), else the browser's best match."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return browser_language(request.accept_languages) or "en"


def browser_language(accepted: Iterable[tuple[str, float]]) -> str | None:
    """The first of the browser's languages, in its order of preference, that we speak.

    A regional variant counts as its language ("pt-MZ" is Portuguese): werkzeug's
    `best_match` would prefer a less wanted exact "en" to a Mozambican's "pt-MZ".
    """
    for value, _quality in accepted:
        language = value.split("-")[0].split("_")[0].lower()
        if language in LANGUAGES:
            return language
    return None


def translate_error(error: DomainError) -> str:
    """The error's message in the request's language, placeholders filled.

    Labels among the parameters (a field's name, a state) and nested reasons are
    translated too (see DomainError.render).
    """
    return error.render(gettext)


# flask_babel ships no type information: these say what its functions return.


def gettext(text: str, **variables: Any) -> str:
    """`text` in the request's language, `%(name)s` placeholders filled from `variables`."""
    return str(flask_babel.gettext(text, **variables))


def pgettext(context: str, text: str, **variables: Any) -> str:
    """Like `gettext`, for an English `text` that reads differently in another `context`."""
    return str(flask_babel.pgettext(context, text, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """`singular` or `plural` as the request's language counts `num` (`%(num)s` filled)."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))
