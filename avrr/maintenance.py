from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def sessions_purge_expired() -> int:
    """Delete sessions past their expiry; returns how many. Safe to run any number of times."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
