from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from avrr.maintenance import sessions_purge_expired
from avrr.tasks import purge_expired_sessions


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["marker"] = True
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return str(store.session_key)


def test_purge_removes_only_expired_sessions(db: None) -> None:
    expired = _session(timedelta(minutes=-1))
    live = _session(timedelta(minutes=10))
    assert sessions_purge_expired() == 1
    assert sessions_purge_expired() == 0
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


@pytest.mark.worker
def test_real_worker_writes_to_postgresql(celery_worker: str) -> None:
    expired = _session(timedelta(minutes=-1))
    live = _session(timedelta(minutes=10))
    result = purge_expired_sessions.apply_async(ignore_result=False)
    assert result.get(timeout=30) == 1
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()
