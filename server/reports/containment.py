"""What a report does with a record it cannot render: mark it, log it, go on.

A report is the record rapporteurs write from; one row no rule would accept
today (written by an older version, restored, or edited by hand) must not cost
them the whole file. Every format leaves through here twice: its text is made
encodable (a lone surrogate, which UTF-8 cannot hold, becomes U+FFFD), and each
record's rendering is contained (a failure becomes a visible mark in the file
and one log line naming the record, never a broken download).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from server.i18n import gettext as _

log = logging.getLogger("server.reports")

T = TypeVar("T")

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def encodable(text: str) -> str:
    """`text` as UTF-8 can hold it: each lone surrogate replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(REPLACEMENT, text)
    return text


def utf8(text: str) -> bytes:
    return encodable(text).encode("utf-8")


def unreadable() -> str:
    """The mark a file shows where a record could not be rendered."""
    return _("(this record could not be read; the server's log names it)")


def contained(produce: Callable[[], T], fallback: Callable[[], T], where: str) -> T:
    """`produce()`, or if it fails, a log line naming `where` and `fallback()`."""
    try:
        return produce()
    except Exception:  # any failure of one record: the rest of the report still goes out
        log.exception("report: %s could not be rendered", where)
        return fallback()


def contained_rows(rows: Iterable[T], mark: Callable[[], T], where: str) -> Iterator[T]:
    """`rows` as far as they can be read; a failure ends them with `mark()` (and a log line)."""
    try:
        yield from rows
    except Exception:  # the generator is spent; say so in the file rather than cut it
        log.exception("report: a row of %s could not be rendered", where)
        yield mark()
