"""The form helpers every app shares: the countries people choose from."""

import pytest
from django.utils import translation
from django_countries import countries
from pytest_django import Settings

from avrr.forms import country_choices, country_groups, nationality_choices

MAIN = {"GN", "CI", "SN", "CM", "ML", "CG", "NG", "CD", "GM", "PH", "SD"}


def _codes(choices: list[tuple[str, str]]) -> list[str]:
    return [code for code, _name in choices]


def test_no_country_is_chosen_by_default() -> None:
    assert nationality_choices()[0] == ("", "—")
    assert nationality_choices("Comme la nationalité")[0] == ("", "Comme la nationalité")


def test_the_programmes_main_nationalities_come_first_then_every_other_country() -> None:
    (main_label, main), (others_label, others) = country_groups()
    assert (main_label, others_label) == ("Principales nationalités", "Autres pays")
    assert set(_codes(main)) == MAIN
    assert MAIN.isdisjoint(_codes(others))
    assert sorted(_codes(main) + _codes(others)) == sorted(code for code, _name in countries)
    assert nationality_choices()[1:] == country_groups()


def test_main_nationalities_are_a_setting(settings: Settings) -> None:
    settings.MAIN_NATIONALITIES = ["SN", "MA"]
    (_label, main), (_other, others) = country_groups()
    assert _codes(main) == ["MA", "SN"]  # by name: Maroc, Sénégal
    assert "GN" in _codes(others)


def test_western_sahara_is_not_a_country_to_choose() -> None:
    assert "EH" not in countries
    assert "EH" not in _codes(country_choices())
    assert all("EH" not in _codes(group) for _label, group in country_groups())


@pytest.mark.parametrize(("language", "guinea"), [("fr", "Guinée"), ("ar", "غينيا")])
def test_names_and_groups_follow_the_language(language: str, guinea: str) -> None:
    with translation.override(language):
        (_label, main), _others = country_groups()
    assert (("GN", guinea)) in main
