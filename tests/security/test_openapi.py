"""The HTTP API keeps to docs/openapi.yaml, as served at /api/openapi.json (schemathesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import WIRING, new_consultation
from tests.security.test_fuzz import assert_clear

COMMANDS = WIRING.commands  # every command the features add

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def is_described(rule) -> bool:
    """The JSON API, the probes and /metrics are in docs/openapi.yaml; pages are not."""
    return rule.rule.startswith("/api/") or rule.endpoint.startswith(("probes.", "prometheus."))


@pytest.fixture
def served(app):
    """The application, with a consultation whose moderator calls the API."""
    return app, new_consultation(app.extensions["baraza"])


# The description gives shapes; rules beyond them (IANA time zones, an item id that
# exists, each command's own payload) are in docs/api.md, so a body of the right shape
# may rightly be refused. Bodies of the wrong shape must be refused (checked).
LENIENT = [positive_data_acceptance]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check_operation(operation, headers: dict[str, str], consultation) -> None:
    def known(case, use_real: bool):
        """Half the time, name this consultation and its link rather than random ones,
        so answers of success are checked against the description too."""
        if use_real and "code" in (case.path_parameters or {}):
            case.path_parameters["code"] = consultation.join_code
        if use_real and isinstance(case.body, dict) and "link" in case.body:
            case.body["link"] = consultation.rapporteur_link
        return case

    @SETTINGS
    @given(case=st.builds(known, operation.as_strategy(), st.booleans()))
    def attempt(case) -> None:
        response = case.call_and_validate(headers=headers, excluded_checks=LENIENT)
        if response.status_code >= 400:
            assert_clear(response.json(), f"{case.method} {case.path}")

    attempt()


def test_the_api_answers_as_its_description_says(served):
    """Every operation of the served description, with generated input (schemathesis's
    own pytest plugin does not run under pytest 9, so its Python API drives Hypothesis)."""
    app, consultation = served
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # The WSGI transport hands back bodies as sent: ask for them uncompressed.
    headers = {
        "Authorization": f"Bearer {consultation.moderator_token}",
        "Accept-Encoding": "identity",
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    routes = {
        f"{method} {rule.rule.replace('<', '{').replace('>', '}')}"
        for rule in app.url_map.iter_rules()
        if is_described(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    # schemathesis leaves out the document it reads its description from
    assert {operation.label for operation in operations} == routes - {"GET /api/openapi.json"}
    for operation in operations:
        check_operation(operation, headers, consultation)


def test_the_served_description_is_the_file_with_every_command(app):
    served = app.test_client().get("/api/openapi.json").json
    written = yaml.safe_load(OPENAPI_FILE.read_text())
    assert served["info"] == written["info"]
    assert set(served["paths"]) == set(written["paths"])
    command = served["paths"]["/api/commands/{name}"]["parameters"][0]["schema"]
    assert command["enum"] == sorted(COMMANDS)


def test_every_api_route_is_described(app):
    described = yaml.safe_load(OPENAPI_FILE.read_text())["paths"]
    for rule in app.url_map.iter_rules():
        if is_described(rule):
            path = rule.rule.replace("<", "{").replace(">", "}")
            methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
            assert path in described, f"describe {path} in docs/openapi.yaml"
            assert methods <= set(described[path]), f"describe {methods} of {path}"
