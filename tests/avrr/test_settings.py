"""Settings read from the environment that are more than a plain value."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from avrr.settings import env_country_codes


def test_country_codes_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIN_NATIONALITIES", " gn, Sn ,,ML")
    assert env_country_codes("MAIN_NATIONALITIES", ["CI"]) == ["GN", "SN", "ML"]
    monkeypatch.delenv("MAIN_NATIONALITIES")
    assert env_country_codes("MAIN_NATIONALITIES", ["CI"]) == ["CI"]


def test_none_is_no_country(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTRIES_EXCLUDED", "none")
    assert env_country_codes("COUNTRIES_EXCLUDED", ["EH"]) == []


def test_an_unknown_country_code_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIN_NATIONALITIES", "GN,GIN")
    with pytest.raises(ImproperlyConfigured, match="MAIN_NATIONALITIES: unknown country codes GIN"):
        env_country_codes("MAIN_NATIONALITIES", [])


def test_defaults() -> None:
    assert settings.MAIN_NATIONALITIES == [
        "GN", "CI", "SN", "CM", "ML", "CG", "NG", "CD", "GM", "PH", "SD"
    ]  # fmt: skip
    assert settings.COUNTRIES_OVERRIDE == {"EH": None}


def _environ_without(name: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != name}


def _western_sahara_offered(**env: str) -> str:
    code = (
        "import django; django.setup(); from django_countries import countries; "
        "print('EH' in countries)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environ_without("COUNTRIES_EXCLUDED")
        | {"DJANGO_SETTINGS_MODULE": "avrr.settings", "DEBUG": "true"}
        | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    return result.stdout.strip()


def test_the_countries_left_out_are_set_per_deployment() -> None:
    assert _western_sahara_offered() == "False"
    assert _western_sahara_offered(COUNTRIES_EXCLUDED="none") == "True"
