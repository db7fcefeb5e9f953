"""Reading an agenda file's text (YAML or JSON) within bounds, before any rule reads it.

An agenda file is a few kilobytes a person wrote. What it must not do, however
it was made: expand (a YAML alias repeats a whole subtree, and nested aliases
turn a few hundred bytes into megabytes of stored settings), be huge, or nest
so deep that reading it exhausts the stack. Each is refused with its own code
(docs/agenda-format.md); `parse_spec` checks the same depth for JSON bodies.
"""

from __future__ import annotations

from typing import Any

import yaml

from server.core.errors import N_, DomainError, Label
from server.core.json_input import NOT_JSON, TOO_DEEP, UnreadableJson, check_value, read_json

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20  # the agenda format nests 5 levels (settings, questions, closed_items…)


def read_agenda_text(text: str, suffix: str) -> Any:
    """The content of an agenda file: JSON if `suffix` is ".json", YAML otherwise."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DomainError(
            "agenda_file_too_large",
            N_("An agenda file holds at most %(kb)s KB."),
            kb=MAX_BYTES // 1024,
        )
    data = _read_json(text) if suffix == ".json" else _read_yaml(text)
    check_depth(data)
    return data


def _read_json(text: str) -> Any:
    try:
        return read_json(text)
    except UnreadableJson as error:
        raise _refusal(error) from error


def _read_yaml(text: str) -> Any:
    try:
        data = yaml.load(text, Loader=_AgendaLoader)
        check_value(data)  # what JSON input may not hold, YAML may not either
    except RecursionError as error:
        raise too_deep() from error
    except UnreadableJson as error:
        raise _refusal(error) from error
    except yaml.YAMLError as error:
        raise unreadable(None) from error
    return data


def _refusal(error: UnreadableJson) -> DomainError:
    return too_deep() if error.reason == TOO_DEEP else unreadable(error.reason)


def unreadable(reason: str | None) -> DomainError:
    """`invalid_agenda_file`, with the reason when there is one of ours to give."""
    if reason is None or reason == NOT_JSON:
        return DomainError("invalid_agenda_file", N_("The agenda file cannot be read."))
    return DomainError(
        "invalid_agenda_file",
        N_("The agenda file cannot be read: %(reason)s."),
        reason=Label(reason),
    )


def too_deep() -> DomainError:
    return DomainError(
        "agenda_too_deep", N_("An agenda file nests at most %(depth)s levels."), depth=MAX_DEPTH
    )


def check_depth(data: Any) -> None:
    """Refuse lists and mappings nested deeper than `MAX_DEPTH` (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise too_deep()
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children)


class _AgendaLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type stubs here
    """YAML's safe loader, refusing aliases and nesting deeper than `MAX_DEPTH` as it reads
    (before a single alias is expanded or the stack runs out)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise DomainError(
                "agenda_file_aliases",
                N_("Agenda files may not use YAML aliases (*name): write each value out."),
            )
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise too_deep()
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
