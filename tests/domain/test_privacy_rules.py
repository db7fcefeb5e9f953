"""The organiser's privacy notice is checked with the agenda file; consent is a yes or nothing."""

from __future__ import annotations

import pytest

from server.core.errors import DomainError
from server.features.consultations.rules import parse_consent, parse_spec
from tests.conftest import DEMO_SPEC


def spec_with(notice: object, languages: list[str] | None = None):
    return parse_spec(
        {
            **DEMO_SPEC,
            "languages": languages or ["en", "fr"],
            "settings": {"privacy_notice": notice},
        }
    )


def test_a_notice_is_kept_per_language_the_consultation_offers():
    spec = spec_with({"en": "  We keep your name.  ", "fr": "Nous gardons votre nom."})
    assert spec.settings["privacy_notice"] == {
        "en": "We keep your name.",
        "fr": "Nous gardons votre nom.",
    }


@pytest.mark.parametrize(
    ("notice", "code"),
    [
        ("We keep your name.", "invalid_privacy_notice"),
        ({}, "invalid_privacy_notice"),
        ({"pt": "Guardamos o seu nome."}, "invalid_privacy_notice"),  # not offered here
        ({"en": 42}, "invalid_privacy_notice"),
        ({"en": "   "}, "empty_privacy_notice"),
        ({"en": "x" * 2001}, "privacy_notice_too_long"),
    ],
)
def test_a_bad_notice_is_refused_with_its_own_code(notice, code):
    with pytest.raises(DomainError) as refused:
        spec_with(notice)
    assert refused.value.code == code


@pytest.mark.parametrize(("sent", "accepted"), [(True, True), ("yes", True), ("on", True)])
def test_a_ticked_box_or_true_is_consent(sent, accepted):
    assert parse_consent(sent, required=True) is accepted


@pytest.mark.parametrize("sent", [None, "", False])
def test_no_consent_is_refused_only_where_it_is_required(sent):
    assert parse_consent(sent, required=False) is False
    with pytest.raises(DomainError) as refused:
        parse_consent(sent, required=True)
    assert refused.value.code == "consent_required"


@pytest.mark.parametrize("sent", ["maybe", 1, {"yes": True}])
def test_anything_else_sent_as_consent_is_refused(sent):
    with pytest.raises(DomainError) as refused:
        parse_consent(sent, required=False)
    assert refused.value.code == "invalid_consent"
