"""JSON written by someone else: read it whole or refuse it with a reason people can read.

Python's `json` accepts what would fail later, far from the input — nesting deep
enough to exhaust the stack, integers of thousands of digits, `NaN`, text holding
lone UTF-16 surrogates that no database can store — so every body and file a
person sends goes through `read_json` first, and each entry point turns its
refusal into its own error code.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import N_

MAX_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
# I-JSON (RFC 7493): integers beyond ±(2**53 - 1) do not survive every JSON reader.
MAX_INTEGER = 2**53 - 1


class UnreadableJson(ValueError):
    """Why a JSON text was refused: `reason` is one of ours, to translate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


NOT_JSON = N_("it is not valid JSON")
TOO_DEEP = N_("it is nested more than 64 levels deep")
TOO_LARGE = N_("it holds a number too large to keep exactly")
NOT_UNICODE = N_("it holds text that is not valid Unicode")


def read_json(data: bytes | str) -> Any:
    """The value `data` holds, or UnreadableJson naming what is wrong with it."""
    if not nested_within(data, MAX_DEPTH):
        raise UnreadableJson(TOO_DEEP)
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise UnreadableJson(TOO_DEEP) from error
    except ValueError as error:  # UnicodeDecodeError and the digit limit included
        raise UnreadableJson(_reason(error)) from error
    check_value(value)
    return value


def nested_within(data: bytes | str, limit: int) -> bool:
    """Whether no array or object in `data` lies more than `limit` deep, read before parsing.

    Left to the parser, nesting thousands deep ends in a RecursionError near the top of
    the stack, where any finaliser the garbage collector runs fails too (an "unraisable"
    error, at random). Brackets inside strings do not count; the scan stops at the first
    level past `limit`, so a hostile body costs a few dozen steps.
    """
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return False
    return True


def _refuse_constant(name: str) -> Any:
    raise UnreadableJson(NOT_JSON)  # NaN, Infinity: not JSON at all


def _reason(error: ValueError) -> str:
    return error.reason if isinstance(error, UnreadableJson) else NOT_JSON


def check_value(value: Any) -> None:
    """Refuse a decoded value too deep, with an inexact number or with unstorable text."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise UnreadableJson(TOO_DEEP)
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                _check_scalar(key)
                stack.append((child, depth + 1))
        else:
            _check_scalar(item)


def _check_scalar(item: Any) -> None:
    if isinstance(item, str):
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as error:
            raise UnreadableJson(NOT_UNICODE) from error
    elif isinstance(item, bool) or item is None:
        return
    elif isinstance(item, int) and abs(item) > MAX_INTEGER:
        raise UnreadableJson(TOO_LARGE)
    elif isinstance(item, float) and not math.isfinite(item):
        raise UnreadableJson(TOO_LARGE)
