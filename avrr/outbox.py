"""Work that follows a change, saved with it: the outbox.

A service that must have something done once its change is saved (an e-mail to a partner)
calls `outbox_enqueue` inside its own transaction: the message is a row written with the
change, so both are kept or both are lost. Once the transaction commits, the message is
handed to a Celery worker. When Redis is down at that moment the request still succeeds
(the failure is logged) and the message waits: the periodic task `redeliver_outbox` delivers
every message not delivered a minute after its commit, and tries failed ones again with a
longer wait each time.

Handlers are registered by name from each app's `AppConfig.ready()`, so that `avrr` knows
no app: `register_handler("referrals.status_email", referral_notify)`. A handler takes the
message's arguments as keyword arguments; arguments are ids and codes, never personal data.
A message is marked delivered in the transaction that runs its handler, under a lock:
delivering it twice, or at the same time from the worker and the periodic task, runs the
handler once. (Should that transaction fail to commit after an e-mail left, the message is
delivered again: handlers with effects outside the database guard against repeats too.)
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError
from redis import RedisError

from avrr.models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[..., object]

# A message still pending this long after its commit is delivered by the periodic task,
# which runs every minute (CELERY_BEAT_SCHEDULE).
REDELIVER_AFTER = timedelta(minutes=1)
# After each failure the wait doubles, up to an hour: a mail relay down for a day is tried
# about thirty times, and the message is sent within the hour it comes back.
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
# One run of the periodic task stops starting deliveries after this long, well within the
# task's time limit even when each delivery waits for a silent mail relay (EMAIL_TIMEOUT);
# the next runs take the rest.
REDELIVERY_SECONDS = 5 * 60
# Delivered messages are kept this long: when a partner says an e-mail never came, the
# database shows whether and when it left.
KEEP_DELIVERED = timedelta(days=30)

_handlers: dict[str, Handler] = {}


def register_handler(name: str, handler: Handler) -> None:
    known = _handlers.get(name)
    if known is not None and known is not handler:
        raise ImproperlyConfigured(f"Two outbox handlers are named {name!r}.")
    _handlers[name] = handler


def outbox_enqueue(*, handler: str, arguments: dict[str, Any]) -> OutboxMessage:
    """Save a message for `handler` with the caller's transaction; hand it over on commit."""
    if handler not in _handlers:
        # Refused with the change rather than found later as a message nobody can deliver.
        raise ImproperlyConfigured(f"No outbox handler is named {handler!r}.")
    message = OutboxMessage.objects.create(
        handler=handler, arguments=arguments, next_attempt_at=timezone.now() + REDELIVER_AFTER
    )
    transaction.on_commit(partial(_hand_to_worker, message))
    return message


def _hand_to_worker(message: OutboxMessage) -> None:
    # Imported here: the tasks module imports this one.
    from avrr.tasks import deliver_outbox_message

    try:
        # No retries: the request that committed is not kept waiting for the broker.
        deliver_outbox_message.apply_async((message.pk,), retry=False)
    except (KombuError, RedisError, OSError) as error:
        logger.warning(
            "Outbox message %s (%s) not queued (%s): the periodic task will deliver it.",
            message.pk,
            message.handler,
            type(error).__name__,
        )


def _retry_delay(attempts: int) -> timedelta:
    # The exponent is bounded so that the hundredth attempt's wait does not overflow.
    doublings = min(attempts - 1, 10)
    return min(FIRST_RETRY_DELAY * (1 << doublings), LONGEST_RETRY_DELAY)


def outbox_deliver(*, message_id: int, due_by: datetime | None = None) -> bool:
    """Run a pending message's handler; True when it ran now and succeeded.

    A message already delivered, being delivered by another worker (locked), or, with
    `due_by`, not due yet, is left as it is. A failure is recorded (attempts, the error's
    class, the time of the next attempt) and the message stays pending.
    """
    pending = OutboxMessage.objects.filter(pk=message_id, delivered_at__isnull=True)
    if due_by is not None:
        pending = pending.filter(next_attempt_at__lte=due_by)
    with transaction.atomic():
        message = pending.select_for_update(skip_locked=True).first()
        if message is None:
            return False
        message.attempts += 1
        try:
            with transaction.atomic():
                _handlers[message.handler](**message.arguments)
        except Exception as error:
            # Whatever the handler raised, the message is tried again later.
            message.last_error = type(error).__name__
            message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            # The error's class only: its text may hold an e-mail address or a name.
            logger.warning(
                "Outbox message %s (%s) failed, attempt %s (%s): tried again at %s.",
                message.pk,
                message.handler,
                message.attempts,
                message.last_error,
                message.next_attempt_at.isoformat(timespec="seconds"),
            )
            return False
        message.delivered_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "delivered_at"])
        return True


def outbox_redeliver() -> int:
    """Deliver the pending messages whose time has come, oldest first; returns how many
    were delivered. Forgets messages delivered long ago."""
    started = time.monotonic()
    now = timezone.now()
    due = OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
    delivered = 0
    for message_id in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True):
        if time.monotonic() - started > REDELIVERY_SECONDS:
            break
        delivered += outbox_deliver(message_id=message_id, due_by=now)
    OutboxMessage.objects.filter(delivered_at__lt=now - KEEP_DELIVERED).delete()
    return delivered
