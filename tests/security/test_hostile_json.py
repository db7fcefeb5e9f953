"""JSON made to break a parser — deep nesting, huge numbers, lone surrogates, wrong types —
gets one clear refusal over HTTP and from `import-json`, never a 500 or a traceback."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Clock
from tests.reports.scripted import run_script

DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100 + "1" + "}" * 100
HUGE_DIGITS = "9" * 5_000

HOSTILE_BODIES = {
    "deep array": DEEP_ARRAY,
    "deep object": DEEP_OBJECT,
    "deep inside a field": '{"text": ' + "[" * 5_000 + "]" * 5_000 + "}",
    "thousands of digits": '{"item_id": ' + HUGE_DIGITS + "}",
    "an integer no reader keeps exactly": '{"item_id": 100000000000000000000000000000}',
    "a lone surrogate": '{"text": "Why \\ud800?"}',
    "a lone surrogate as a key": '{"\\udfff": 1}',
    "NaN": '{"item_id": NaN}',
    "an infinite number": '{"item_id": 1e999}',
    "bytes that are not UTF-8": b'{"text": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
@pytest.mark.parametrize(
    ("path", "token"),
    [
        ("/api/commands/ask_question", "attendee"),
        ("/api/commands/start_item", "moderator"),
        ("/api/consultations/{code}/join", None),
        ("/api/links/claim", None),
        ("/api/consultations", "moderator"),
    ],
)
def test_hostile_json_over_http_is_invalid_payload(app, app_consultation, path, token, body):
    tokens = {"moderator": app_consultation.moderator_token}
    if token == "attendee":
        tokens["attendee"] = app_consultation.join_with_token()[1]
    headers = {"Authorization": f"Bearer {tokens[token]}"} if token else {}
    response = app.test_client().post(
        path.format(code=app_consultation.join_code),
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422, response.text[:300]
    assert response.json["error"]["code"] == "invalid_payload"


@pytest.fixture
def archive(app, app_core, tmp_path):
    """A real consultation's archive as the command line wrote it, to be spoiled."""
    app_core.clock = clock = Clock()
    scripted = run_script(app_core, clock)
    target = tmp_path / "archive.json"
    code = scripted.consultation.join_code
    written = app.test_cli_runner().invoke(args=["export-json", code, "--output", str(target)])
    assert written.exit_code == 0, written.output
    return target


def spoil(raw: str, *where: str):
    """Put `raw` JSON text at `where` (keys from the top) in the archive."""

    def spoiled(text: str) -> str:
        document = json.loads(text)
        parent = document
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = "@@SPOILED@@"
        return json.dumps(document).replace('"@@SPOILED@@"', raw)

    return spoiled


SPOILED_ARCHIVES = {
    "version true": (spoil("true", "version"), "unsupported_archive_version"),
    "version 1.0": (spoil("1.0", "version"), "unsupported_archive_version"),
    "thousands of digits": (spoil(HUGE_DIGITS, "consultation", "last_seq"), "invalid_archive"),
    "past a 64-bit column": (spoil(str(2**63), "consultation", "last_seq"), "invalid_archive"),
    "a lone surrogate": (spoil('"Cyber\\ud800crime"', "consultation", "title"), "invalid_archive"),
    "deep nesting": (spoil(DEEP_ARRAY, "consultation", "settings"), "invalid_archive"),
}


@pytest.mark.parametrize(("spoil", "code"), SPOILED_ARCHIVES.values(), ids=SPOILED_ARCHIVES.keys())
def test_import_json_refuses_a_spoiled_archive_in_one_line(app, archive, spoil, code):
    archive.write_text(spoil(archive.read_text()))
    refused = app.test_cli_runner().invoke(args=["import-json", str(archive)])
    assert refused.exit_code == 1
    assert isinstance(refused.exception, SystemExit), refused.exception
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), refused.output
    assert code in lines[0]


# A file, and the code of its refusal (docs/agenda-format.md, "Bounds on the file itself").
HOSTILE_AGENDA_FILES = {
    "agenda.json": (DEEP_ARRAY, "agenda_too_deep"),
    "surrogate.json": ('{"title": "\\ud800", "agenda": []}', "invalid_agenda_file"),
    "agenda.yaml": ("[" * 100_000 + "]" * 100_000, "agenda_too_deep"),
    "nested.yaml": (
        "a:\n" + "".join(" " * i + "- \n" for i in range(1, 3000)),
        "agenda_file_too_large",
    ),
}


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [(name, *case) for name, case in HOSTILE_AGENDA_FILES.items()],
    ids=HOSTILE_AGENDA_FILES,
)
def test_create_consultation_refuses_a_hostile_agenda_file_in_one_line(
    app, tmp_path, name, text, code
):
    agenda = tmp_path / name
    agenda.write_text(text)
    refused = app.test_cli_runner().invoke(args=["create-consultation", str(agenda)])
    assert isinstance(refused.exception, SystemExit), refused.exception
    assert refused.output.strip().splitlines() == [refused.output.strip()]
    assert f"Error: {code}:" in refused.output
