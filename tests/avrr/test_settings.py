"""Settings read from the environment that are more than a plain value."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from avrr.celery import app as celery_app
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


def _smtp_timeout(**env: str) -> str:
    """How long the SMTP backend waits for the relay, as a new process configures it."""
    code = (
        "import django; django.setup(); "
        "from django.core.mail.backends.smtp import EmailBackend; print(EmailBackend().timeout)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environ_without("EMAIL_TIMEOUT") | {"DJANGO_SETTINGS_MODULE": "avrr.settings"} | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    return result.stdout.strip()


def test_a_silent_mail_relay_is_given_up_on_after_20_seconds() -> None:
    assert _smtp_timeout() == "20"
    assert _smtp_timeout(EMAIL_TIMEOUT="5") == "5"


def test_a_task_whose_worker_died_runs_again_once_no_task_can_still_be_running() -> None:
    conf = celery_app.conf
    # Acknowledged once run, and given back when the worker's process dies under it.
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    # Given to another worker once the longest task would have ended, not an hour later.
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_time_limit < visibility <= conf.task_time_limit + 10 * 60
    celery_app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if name.startswith(("avrr.", "cases.", "reintegration.", "reporting."))
    }
    assert "avrr.tasks.deliver_outbox_message" in ours
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name


def test_the_outbox_is_delivered_again_every_minute() -> None:
    entry = celery_app.conf.beat_schedule["redeliver-outbox"]
    assert entry["schedule"] == 60
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
