"""JSON nested too deep is refused before the parser is called, whatever its size.

Left to the parser, a body nested thousands deep ends in a RecursionError near the top
of the stack; a finaliser the garbage collector runs there fails too, at random (seen in
CI as "Failed to process unraisable exception"). So the nesting is read first, by a scan
that stops at the first level past the limit.
"""

from __future__ import annotations

import json

import pytest

from server.core.json_input import MAX_DEPTH, TOO_DEEP, UnreadableJson, nested_within, read_json


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_nesting_up_to_the_limit_is_read():
    assert nested_within(nested(MAX_DEPTH), MAX_DEPTH)
    assert read_json(nested(MAX_DEPTH)) is not None


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100_000])
def test_nesting_past_the_limit_is_refused_before_parsing(levels, monkeypatch):
    parsed = []
    monkeypatch.setattr(json, "loads", lambda *args, **kwargs: parsed.append(args))
    with pytest.raises(UnreadableJson) as refused:
        read_json(nested(levels))
    assert refused.value.reason == TOO_DEEP
    assert parsed == []


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"text": "[" * 1000, "quote": 'a "[[[" b \\ ['})
    assert nested_within(text, 1)
    assert read_json(text)["text"] == "[" * 1000


def test_bytes_are_scanned_as_sent_utf_16_included():
    assert not nested_within(nested(70).encode("utf-8"), MAX_DEPTH)
    assert not nested_within(nested(70).encode("utf-16"), MAX_DEPTH)
    assert nested_within('{"a": [1, {"b": 2}]}'.encode("utf-16"), 3)
    assert not nested_within('{"a": [1, {"b": 2}]}'.encode("utf-16"), 2)
