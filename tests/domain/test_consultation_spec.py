"""An agenda file is checked field by field before anything is stored."""

from datetime import UTC, datetime

import pytest

from server.core.access import normalise_join_code
from server.core.errors import DomainError
from server.features.consultations.countries import REGIONS, choices
from server.features.consultations.rules import parse_profile, parse_spec
from tests.conftest import DEMO_SPEC


def test_a_start_without_offset_is_read_in_the_consultations_time_zone():
    spec = parse_spec(DEMO_SPEC)
    assert spec.scheduled_start == datetime(2024, 1, 18, 8, 30, tzinfo=UTC)


def test_planned_minutes_default_to_the_sum_of_the_items():
    assert parse_spec(DEMO_SPEC).planned_minutes == 40


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "invalid_time_zone"),
        ({"start": "18 January"}, "invalid_start"),
        ({"agenda": []}, "invalid_agenda"),
        ({"agenda": [{"title": "x", "minutes": 0}]}, "invalid_minutes"),
        ({"agenda": [{"title": "", "minutes": 5}]}, "empty_title"),
        ({"short_name": "Not A Slug"}, "invalid_short_name"),
        ({"languages": ["xx"]}, "invalid_languages"),
        ({"title": "t" * 201}, "title_too_long"),
    ],
)
def test_each_bad_field_has_its_own_error(change, code):
    with pytest.raises(DomainError) as refused:
        parse_spec({**DEMO_SPEC, **change})
    assert refused.value.code == code


def test_a_spec_that_is_not_a_mapping_is_refused():
    with pytest.raises(DomainError) as refused:
        parse_spec(["not", "a", "mapping"])
    assert refused.value.code == "invalid_agenda"


def test_join_codes_ignore_case_spaces_and_dashes():
    assert normalise_join_code(" ab3-k7q ") == "AB3K7Q"


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"stakeholder_group": "aliens"}, "invalid_stakeholder_group"),
        ({"country": "Nigeri"}, "invalid_country"),
        ({"country": "ZZ"}, "invalid_country"),
        ({"country": ["NG"]}, "invalid_country"),
        ({"display_name": "n" * 61}, "display_name_too_long"),
    ],
)
def test_a_bad_profile_field_is_named(form, code):
    with pytest.raises(DomainError) as refused:
        parse_profile(form)
    assert refused.value.code == code


def test_a_profile_defaults_to_an_anonymous_other():
    profile = parse_profile({})
    assert (profile.display_name, profile.stakeholder_group, profile.country) == ("", "other", "")


@pytest.mark.parametrize("typed", ["Nigeria", "nigeria", "NG", "ng", "Nigéria", "نيجيريا"])
def test_a_country_is_a_code_or_its_name_in_any_of_the_four_languages(typed):
    assert parse_profile({"country": typed}).country == "NG"


def test_a_country_name_is_found_whatever_its_accents_and_apostrophes():
    assert parse_profile({"country": "cote d'ivoire"}).country == "CI"
    assert parse_profile({"country": "Costa do Marfim"}).country == "CI"


def test_the_country_picker_lists_the_consultations_region_first_in_the_readers_language():
    listed = choices("fr", "Africa")
    african = [code for code, _ in listed[: len(REGIONS["africa"])]]
    assert set(african) == REGIONS["africa"]
    assert dict(listed)["NG"] == "Nigeria" and dict(listed)["CI"] == "Côte d’Ivoire"
    assert len(listed) == 249  # ISO 3166-1, no more
    assert [code for code, _ in choices("en", "Online")][:2] == ["AF", "AX"]  # no region: A–Z
