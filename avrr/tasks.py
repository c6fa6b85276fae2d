from celery import shared_task
from django.db import InterfaceError, OperationalError

from avrr.maintenance import sessions_purge_expired


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def purge_expired_sessions() -> int:
    return sessions_purge_expired()
