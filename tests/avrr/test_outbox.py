"""The outbox: messages saved with the change that calls for them, delivered once, tried
again with a growing wait. (With Redis really down: tests/test_redis_down.py.)"""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from avrr import outbox
from avrr.models import OutboxMessage
from avrr.outbox import outbox_deliver, outbox_enqueue, outbox_redeliver, register_handler

Capture = Any


class Recorder:
    """A handler that records its calls, and fails while told to."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.failure: Exception | None = None

    def __call__(self, **arguments: Any) -> None:
        if self.failure is not None:
            raise self.failure
        self.calls.append(arguments)


@pytest.fixture
def recorder(db: None, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    handler = Recorder()
    monkeypatch.setitem(outbox._handlers, "tests.record", handler)
    return handler


def test_an_unknown_handler_is_refused_with_the_change(db: None) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"tests\.unknown"):
        outbox_enqueue(handler="tests.unknown", arguments={})
    assert not OutboxMessage.objects.exists()


def test_one_name_one_handler(recorder: Recorder) -> None:
    register_handler("tests.record", recorder)  # the same again: apps may be set up twice
    with pytest.raises(ImproperlyConfigured, match=r"tests\.record"):
        register_handler("tests.record", Recorder())


def test_every_handler_named_by_an_app_is_registered() -> None:
    assert outbox._handlers["referrals.status_email"].__name__ == "referral_notify"


def test_delivered_once_after_commit(
    django_capture_on_commit_callbacks: Capture, recorder: Recorder
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(handler="tests.record", arguments={"referral_id": 7})
        assert recorder.calls == []
    assert recorder.calls == [{"referral_id": 7}]
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert message.attempts == 1
    assert outbox_deliver(message_id=message.pk) is False
    assert recorder.calls == [{"referral_id": 7}]


def test_nothing_is_kept_nor_sent_from_a_change_rolled_back(
    django_capture_on_commit_callbacks: Capture, recorder: Recorder
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            outbox_enqueue(handler="tests.record", arguments={})
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_that_fails()
    assert callbacks == []
    assert recorder.calls == []
    assert not OutboxMessage.objects.exists()


def test_a_failure_is_tried_again_later_and_later(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    message = outbox_enqueue(handler="tests.record", arguments={})
    recorder.failure = ConnectionRefusedError("aminata.konate@example.org refused")
    waits = []
    for _attempt in range(8):
        before = timezone.now()
        assert outbox_deliver(message_id=message.pk) is False
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert message.attempts == 8
    assert message.last_error == "ConnectionRefusedError"
    assert message.delivered_at is None
    assert "failed, attempt 8 (ConnectionRefusedError)" in caplog.text
    assert "aminata" not in caplog.text

    recorder.failure = None
    assert outbox_deliver(message_id=message.pk) is True
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (9, "")
    assert message.delivered_at is not None


def test_the_hundredth_wait_is_an_hour(recorder: Recorder) -> None:
    message = outbox_enqueue(handler="tests.record", arguments={})
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=99)
    recorder.failure = TimeoutError()
    before = timezone.now()
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.next_attempt_at - before == pytest.approx(
        timedelta(hours=1), abs=timedelta(seconds=5)
    )


def test_the_periodic_task_delivers_what_is_due(recorder: Recorder) -> None:
    now = timezone.now()
    due = outbox_enqueue(handler="tests.record", arguments={"n": 1})
    waiting = outbox_enqueue(handler="tests.record", arguments={"n": 2})
    gone = outbox_enqueue(handler="tests.record", arguments={"n": 3})
    OutboxMessage.objects.filter(pk=due.pk).update(next_attempt_at=now - timedelta(seconds=1))
    OutboxMessage.objects.filter(pk=gone.pk).update(
        delivered_at=now - timedelta(days=31), next_attempt_at=now - timedelta(days=31)
    )
    assert outbox_redeliver() == 1
    assert recorder.calls == [{"n": 1}]
    assert outbox_redeliver() == 0
    assert recorder.calls == [{"n": 1}]
    # Kept a month once delivered, for an operator to see.
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {due.pk, waiting.pk}


def test_an_unknown_handler_at_delivery_waits_for_it(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = outbox_enqueue(handler="tests.record", arguments={})
    monkeypatch.delitem(outbox._handlers, "tests.record")
    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "KeyError")
