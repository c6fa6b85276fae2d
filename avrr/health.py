"""The state of the application's dependencies, as /health/ reports it."""

from enum import StrEnum

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from kombu.exceptions import KombuError

from avrr.celery import app as celery_app

PROBE_TIMEOUT_SECONDS = 2.0
# How long to wait for a worker's answer when none comes: the first answer ends the wait,
# so with a worker up /health/ answers in milliseconds.
WORKER_PING_TIMEOUT_SECONDS = 1.0


class State(StrEnum):
    OK = "ok"
    DOWN = "down"
    NOT_CONFIGURED = "not_configured"


def database_state() -> State:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return State.DOWN
    return State.OK


def redis_state() -> State:
    if not settings.REDIS_URL:
        return State.NOT_CONFIGURED
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError:
        return State.DOWN
    finally:
        client.close()
    return State.OK


def celery_worker_state() -> State:
    """OK when at least one worker answers a ping through the broker."""
    if not settings.REDIS_URL:
        return State.NOT_CONFIGURED
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS, limit=1)
    except (redis.RedisError, OSError, KombuError):
        return State.DOWN
    return State.OK if replies else State.DOWN


def dependency_states() -> dict[str, State]:
    states = {"database": database_state(), "redis": redis_state()}
    # Without a broker, workers cannot be reached: do not wait for their answer.
    states["celery"] = State.DOWN if states["redis"] == State.DOWN else celery_worker_state()
    return states
