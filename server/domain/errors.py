"""The one error vocabulary every entry point translates into a reply."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation without importing the web layer."""
    return message


class DomainError(Exception):
    """A refused command: a stable machine code and a human message.

    `template` is English with ``%(name)s`` placeholders; the web layer translates
    the template before filling it, so the domain never depends on Flask-Babel.
    """

    status = 400

    def __init__(self, code: str, template: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.template = template
        self.params = params

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Unavailable(DomainError):
    """The store could not be reached; the command wrote nothing and may be retried."""

    status = 503
