from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases.referrals.notifications import referral_notify


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=8,
)
def send_referral_status_email(referral_id: int, status: str) -> int:
    return referral_notify(referral_id=referral_id, status=status)
