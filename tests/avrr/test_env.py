import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from avrr.env import env_bool, env_int, env_list, env_time_zone


def test_bad_boolean_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_USE_TLS", "maybe")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS='maybe'"):
        env_bool("EMAIL_USE_TLS", False)


@pytest.mark.parametrize("raw", ["thirty", "-1"])
def test_bad_number_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SESSION_IDLE_MINUTES", raw)
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES"):
        env_int("SESSION_IDLE_MINUTES", 30)


def test_unknown_time_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIME_ZONE", "Africa/Atlantis")
    with pytest.raises(ImproperlyConfigured, match="time zone"):
        env_time_zone("TIME_ZONE", "Africa/Casablanca")


def test_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " avrr.example.org, ,www.avrr.example.org ")
    monkeypatch.setenv("DEBUG", "Yes")
    assert env_list("ALLOWED_HOSTS", []) == ["avrr.example.org", "www.avrr.example.org"]
    assert env_bool("DEBUG", False) is True
    assert env_int("MISSING_VARIABLE_FOR_TEST", 7) == 7


def test_defaults() -> None:
    assert os.environ.get("TIME_ZONE", "Africa/Casablanca") == settings.TIME_ZONE
    assert settings.LANGUAGE_CODE == "fr"


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean | {"DJANGO_SETTINGS_MODULE": "avrr.settings"} | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_without_secret_key_does_not_start() -> None:
    result = _load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_development_starts_without_secret_key() -> None:
    result = _load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
