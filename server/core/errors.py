"""The one error vocabulary every entry point translates into a reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation without importing the web layer."""
    return message


class Label(str):
    """A parameter that is a phrase of ours (a state, say), translated with the message."""


class DomainError(Exception):
    """A refused command: a stable machine code and a human message.

    `template` is English with ``%(name)s`` placeholders; the web layer translates
    the template before filling it, so the domain never depends on Flask-Babel.
    Parameters that are words of ours rather than data — a `field`'s label, a `Label`,
    an error given as the reason of another — are translated along with it.
    """

    def __init__(self, code: str, template: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.template = template
        self.params = params

    @property
    def message(self) -> str:
        return self.render(str)

    def render(self, translate: Callable[[str], str]) -> str:
        """The message with every phrase of ours passed through `translate`."""
        template = translate(self.template)
        if not self.params:
            return template
        return template % {name: _param(name, v, translate) for name, v in self.params.items()}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _param(name: str, value: Any, translate: Callable[[str], str]) -> Any:
    if isinstance(value, DomainError):
        return value.render(translate)
    if isinstance(value, Label) or (name == "field" and isinstance(value, str)):
        return translate(value)
    return value


# The kinds of refusal, for the reader of a rule; what each code means over HTTP is
# server/web/errors.py's table, by code, since a refusal may be passed on as another.


class NotFound(DomainError):
    """The thing named does not exist."""


class Forbidden(DomainError):
    """This person, in this role, may not do this."""


class TooManyRequests(DomainError):
    """Over a limit: the answer says, in seconds, when to come back (`Retry-After`)."""

    def __init__(self, code: str, template: str, retry_after: int) -> None:
        super().__init__(code, template)
        self.retry_after = retry_after


class Conflict(DomainError):
    """The thing is not in a state that allows this."""


class Unavailable(DomainError):
    """The store could not be reached; the command wrote nothing and may be retried."""


def try_again() -> Unavailable:
    """The one refusal for a command the database could not take now: nothing was saved."""
    return Unavailable(
        "try_again", N_("The service is briefly unavailable; nothing was saved. Try again.")
    )
