"""Celery tasks of the shared plumbing. Acknowledged once run (CELERY_TASK_ACKS_LATE)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from avrr.maintenance import sessions_purge_expired
from avrr.outbox import outbox_deliver, outbox_redeliver

# A database that is briefly unreachable: the task runs again later.
DATABASE_ERRORS = (OperationalError, InterfaceError)


@shared_task(autoretry_for=DATABASE_ERRORS, retry_backoff=True, max_retries=5)
def purge_expired_sessions() -> int:
    return sessions_purge_expired()


@shared_task(autoretry_for=DATABASE_ERRORS, retry_backoff=True, max_retries=5)
def deliver_outbox_message(message_id: int) -> bool:
    return outbox_deliver(message_id=message_id)


# Run every minute by beat: a run that fails is followed by the next one.
@shared_task
def redeliver_outbox() -> int:
    return outbox_redeliver()
