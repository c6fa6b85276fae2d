import time

import pytest
from django.test import Client
from pytest_django import Settings

from tests.fixtures.services import RedisServer


def test_healthy_without_optional_dependencies(
    client: Client, db: None, settings: Settings
) -> None:
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not_configured", "celery": "not_configured"},
    }


def test_stopped_redis_is_503(client: Client, db: None, settings: Settings) -> None:
    # Nothing listens on port 1: this is what a stopped Redis looks like to the application.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "down", "celery": "down"}


def test_no_celery_worker_is_503(client: Client, db: None, redis_url: str) -> None:
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "celery": "down"}


@pytest.mark.worker
def test_all_dependencies_up(client: Client, celery_worker: str) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
    }


@pytest.mark.worker
def test_answers_at_once_with_a_worker_up(
    client: Client, db: None, worker_without_database: str
) -> None:
    # The first worker's answer ends the wait (a load balancer polls this every few seconds).
    for _ in range(3):
        started = time.monotonic()
        response = client.get("/health/")
        elapsed = time.monotonic() - started
        assert response.json()["checks"] == {"database": "ok", "redis": "ok", "celery": "ok"}
        assert elapsed < 0.5


def test_a_redis_killed_is_503_not_an_error(
    client: Client, db: None, own_redis: RedisServer
) -> None:
    assert client.get("/health/").json()["checks"]["redis"] == "ok"
    own_redis.stop()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "down", "celery": "down"}
