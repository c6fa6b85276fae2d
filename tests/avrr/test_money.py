"""Currencies: the ISO 4217 codes in use, their names, and the programme's own list."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from pytest_django import Settings

from avrr.money import (
    currencies_in_use,
    currency_choices,
    currency_label,
    env_currencies,
    is_currency,
)

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("code", ["MAD", "USD", "EUR", "XOF", "XAF", "GNF", "NGN", "CDF"])
def test_the_programme_currencies_are_in_use(code: str) -> None:
    assert is_currency(code, on=TODAY)


@pytest.mark.parametrize(
    "code",
    [
        "XYZ",  # no currency at all
        "FRF",  # the French franc, withdrawn in 2002
        "XXX",  # ISO's "no currency"
        "XTS",  # ISO's test code
        "XAU",  # gold
        "mad",  # codes are upper case
        "",
    ],
)
def test_other_codes_are_not_currencies(code: str) -> None:
    assert not is_currency(code, on=TODAY)


def test_a_currency_was_in_use_on_its_own_days() -> None:
    assert is_currency("FRF", on=date(1995, 6, 1))


def test_there_are_the_currencies_of_the_world() -> None:
    assert 140 < len(currencies_in_use(TODAY)) < 200


@pytest.mark.parametrize(
    ("language", "label"),
    [("fr", "MAD — dirham marocain"), ("en", "MAD — Moroccan Dirham"), ("ar", "MAD — درهم مغربي")],
)
def test_a_currency_is_shown_by_code_and_translated_name(language: str, label: str) -> None:
    with translation.override(language):
        assert currency_label("MAD") == label


def test_choices_list_the_programme_currencies_first_then_the_others(settings: Settings) -> None:
    settings.PROGRAMME_CURRENCIES = ["MAD", "USD", "EUR", "XOF", "GNF"]
    *programme, (heading, others) = currency_choices(on=TODAY)
    assert [code for code, _label in programme] == ["MAD", "USD", "EUR", "XOF", "GNF"]
    assert heading == "Autres devises"
    assert isinstance(others, list)
    codes = [code for code, _label in others]
    assert codes == sorted(codes)
    assert set(codes) == currencies_in_use(TODAY) - {"MAD", "USD", "EUR", "XOF", "GNF"}


def test_programme_currencies_are_read_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROGRAMME_CURRENCIES", " xof, EUR ,xof")
    assert env_currencies("PROGRAMME_CURRENCIES", ["MAD"]) == ["XOF", "EUR"]


@pytest.mark.parametrize(("raw", "named"), [("MAD,XYZ", "XYZ"), (",", "at least one")])
def test_a_bad_programme_currency_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str, named: str
) -> None:
    monkeypatch.setenv("PROGRAMME_CURRENCIES", raw)
    with pytest.raises(ImproperlyConfigured, match=f"PROGRAMME_CURRENCIES.*{named}"):
        env_currencies("PROGRAMME_CURRENCIES", ["MAD"])


def test_a_bad_programme_currency_stops_the_start() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "avrr.settings",
            "DEBUG": "true",
            "PROGRAMME_CURRENCIES": "MAD,DIRHAM",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "PROGRAMME_CURRENCIES" in result.stderr
    assert "DIRHAM" in result.stderr
