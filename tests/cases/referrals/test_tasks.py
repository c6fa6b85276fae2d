"""Status e-mails to the referring NGO: who gets them, in which language, what they hold.

Every status change after submission is e-mailed; the submission itself is not (the NGO
knows what it submitted, and a bulk upload must not send one e-mail per referral).

The e-mail goes through the outbox (avrr/outbox.py). Tasks run in-process here (see
conftest.tasks_run_in_process), except in the worker tests at the end, which run a real
Celery worker on the test PostgreSQL database through Redis.
"""

import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext
from pytest_django import Settings

from avrr import tasks
from avrr.api_keys import api_key_create
from avrr.models import Organisation, OutboxMessage, User
from avrr.roles import Role
from cases.referrals import notifications
from cases.referrals.models import Referral, ReferralNotification, ReferralStatus
from cases.referrals.notifications import referral_notify
from cases.referrals.services import (
    referral_accept,
    referral_decline,
    referral_review_start,
    referral_submit,
    referral_withdraw,
)
from tests.factories import UserFactory, referral_data

SUBJECT_MSGID = "Référencement %(reference)s : %(status)s"
REASON = "Souhaite rentrer auprès de sa famille à Abidjan."
DECLINE_REASON = "Madame a déjà bénéficié du programme en 2023 sous un autre nom."
FRENCH_LABELS = {
    "submitted": "Soumis",
    "under_review": "En cours d'examen",
    "accepted": "Accepté",
    "declined": "Refusé",
    "withdrawn": "Retiré",
}
# What the referral holds about people; none of it may leave the platform by e-mail.
PERSONAL_DATA = [
    "Konaté",
    "KONATÉ",
    "Konate",
    "Aminata",
    "Moussa",
    "+212 600 00 00 00",
    "600 00 00 00",
    "1996",
    "Fatou Diallo",
    REASON,
    "Abidjan",
    DECLINE_REASON,
    "autre nom",
]

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def outbox(db: None, mailoutbox: list[mail.EmailMessage]) -> list[mail.EmailMessage]:
    """pytest-django's mailoutbox, taken once the database is set up.

    Setting up the database (Django's test case set-up) replaces mail.outbox with a new
    list; a mailoutbox set up before it would stay empty.
    """
    return mailoutbox


@pytest.fixture
def ngo_users(ngo: Organisation, other_ngo: Organisation, ngo_referrer: User) -> dict[str, User]:
    """NGO1's referrers in three languages, and people who must not be written to."""
    english = UserFactory.create(
        username="ngo.en", role=Role.NGO_REFERRER, organisation=ngo, language="en"
    )
    arabic = UserFactory.create(
        username="ngo.ar", role=Role.NGO_REFERRER, organisation=ngo, language="ar"
    )
    no_email = UserFactory.create(
        username="ngo.noemail", role=Role.NGO_REFERRER, organisation=ngo, email=""
    )
    former = UserFactory.create(
        username="ngo.former", role=Role.NGO_REFERRER, organisation=ngo, is_active=False
    )
    other = UserFactory.create(username="ngo2", role=Role.NGO_REFERRER, organisation=other_ngo)
    api_key, _raw = api_key_create(actor=None, organisation=ngo, name="Kobo")
    return {
        "fr": ngo_referrer,
        "en": english,
        "ar": arabic,
        "no_email": no_email,
        "former": former,
        "other": other,
        "api": api_key.user,
    }


@pytest.fixture
def subject_languages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The language active each time the e-mail subject was translated, in order."""
    languages: list[str] = []

    def spy(message: str) -> str:
        if message == SUBJECT_MSGID:
            languages.append(translation.get_language() or "")
        return gettext(message)

    monkeypatch.setattr(notifications, "_", spy)
    return languages


def expected_subject(reference: str, status: str, language: str) -> str:
    with translation.override(language):
        return gettext(SUBJECT_MSGID) % {
            "reference": reference,
            "status": ReferralStatus(status).label,
        }


def submit(actor: User, office: Organisation, capture: Capture) -> Referral:
    """A referral submitted and committed (on-commit callbacks run)."""
    with capture(execute=True):
        referral, _ = referral_submit(actor=actor, data=referral_data(office))
    return referral


def change_status(
    status: str,
    *,
    capture: Capture,
    ngo_referrer: User,
    caseworker: User,
    office: Organisation,
) -> Referral:
    """A referral brought to `status`; the outbox then holds only that status's e-mails."""
    referral = submit(ngo_referrer, office, capture)
    mail.outbox.clear()
    with capture(execute=True):
        if status == ReferralStatus.UNDER_REVIEW:
            referral_review_start(actor=caseworker, referral=referral)
        elif status == ReferralStatus.ACCEPTED:
            referral_accept(actor=caseworker, referral=referral)
        elif status == ReferralStatus.DECLINED:
            referral_decline(actor=caseworker, referral=referral, reason=DECLINE_REASON)
        else:
            referral_withdraw(actor=ngo_referrer, referral=referral)
    return Referral.objects.get(pk=referral.pk)


STATUSES = ["under_review", "accepted", "declined", "withdrawn"]


def review_then_fail(caseworker: User, referral: Referral) -> None:
    """A request that starts the review, then fails before its transaction commits."""
    with transaction.atomic():
        referral_review_start(actor=caseworker, referral=referral)
        raise RuntimeError("the request failed after the change")


def test_submission_sends_no_mail(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_users: dict[str, User],
    office_rabat: Organisation,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral_submit(actor=ngo_users["fr"], data=referral_data(office_rabat))
        referral_submit(actor=ngo_users["en"], data=referral_data(office_rabat))
    assert callbacks == []
    assert outbox == []
    assert not ReferralNotification.objects.exists()


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_change_mails_the_ngo_referrers_once(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_users: dict[str, User],
    caseworker: User,
    office_rabat: Organisation,
    status: str,
) -> None:
    referral = change_status(
        status,
        capture=django_capture_on_commit_callbacks,
        ngo_referrer=ngo_users["fr"],
        caseworker=caseworker,
        office=office_rabat,
    )
    assert referral.status == status
    recipients = sorted(address for message in outbox for address in message.to)
    assert recipients == ["ngo.ar@example.org", "ngo.en@example.org", "ngo@example.org"]
    assert all(len(message.to) == 1 for message in outbox)
    notification = ReferralNotification.objects.get(referral=referral, status=status)
    assert notification.recipients == 3


def test_no_mail_to_the_api_user_nor_to_others(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_users: dict[str, User],
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    api_user = ngo_users["api"]
    assert api_user.username == f"api.ngo1.{api_user.organisation_id}"
    assert api_user.email == ""
    change_status(
        "under_review",
        capture=django_capture_on_commit_callbacks,
        ngo_referrer=ngo_users["fr"],
        caseworker=caseworker,
        office=office_rabat,
    )
    sent_to = [address for message in outbox for address in message.to]
    assert sorted(sent_to) == ["ngo.ar@example.org", "ngo.en@example.org", "ngo@example.org"]
    for name in ("former", "other"):
        assert ngo_users[name].email
        assert ngo_users[name].email not in sent_to
    assert caseworker.email not in sent_to


@pytest.mark.parametrize("status", STATUSES)
def test_each_mail_is_in_its_recipients_language(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    subject_languages: list[str],
    ngo_users: dict[str, User],
    caseworker: User,
    office_rabat: Organisation,
    status: str,
) -> None:
    referral = change_status(
        status,
        capture=django_capture_on_commit_callbacks,
        ngo_referrer=ngo_users["fr"],
        caseworker=caseworker,
        office=office_rabat,
    )
    by_address = {message.to[0]: message for message in outbox}
    # Each mail's subject was translated under the language of the user it went to.
    built_under = dict(
        zip((message.to[0] for message in outbox), subject_languages[-3:], strict=True)
    )
    assert built_under == {
        "ngo@example.org": "fr",
        "ngo.en@example.org": "en",
        "ngo.ar@example.org": "ar",
    }
    for language in ("fr", "en", "ar"):
        message = by_address[ngo_users[language].email]
        assert referral.reference in message.subject
        assert referral.reference in message.body
        # Whatever the catalogues hold: English once translated, French until then.
        assert message.subject == expected_subject(referral.reference, status, language)
    french = by_address["ngo@example.org"]
    assert french.subject == f"Référencement {referral.reference} : {FRENCH_LABELS[status]}"
    assert french.body == (
        f"Bonjour,\n\nLe référencement {referral.reference} de ONG Une est maintenant : "
        f"{FRENCH_LABELS[status]}.\n\nConnectez-vous à la plateforme pour voir le détail.\n"
    )


@pytest.mark.parametrize("status", STATUSES)
def test_mails_hold_no_personal_data(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_users: dict[str, User],
    caseworker: User,
    office_rabat: Organisation,
    status: str,
) -> None:
    change_status(
        status,
        capture=django_capture_on_commit_callbacks,
        ngo_referrer=ngo_users["fr"],
        caseworker=caseworker,
        office=office_rabat,
    )
    assert outbox
    for message in outbox:
        assert not message.attachments
        for text in (message.subject, message.body):
            for personal in PERSONAL_DATA:
                assert personal not in text, (personal, text)


def test_notification_is_sent_once_per_status(
    outbox: list[mail.EmailMessage],
    ngo_users: dict[str, User],
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    # Without capturing on-commit callbacks, nothing is handed to a worker in this test.
    referral, _ = referral_submit(actor=ngo_users["fr"], data=referral_data(office_rabat))
    referral_review_start(actor=caseworker, referral=referral)
    assert outbox == []
    message = OutboxMessage.objects.get()
    assert referral_notify(referral_id=referral.pk, status="under_review") == 3
    assert referral_notify(referral_id=referral.pk, status="under_review") == 0
    # The outbox's delivery finds the e-mail sent already.
    assert tasks.deliver_outbox_message.delay(message.pk).get() is True
    assert tasks.deliver_outbox_message.delay(message.pk).get() is False
    assert len(outbox) == 3
    notification = ReferralNotification.objects.get(referral=referral, status="under_review")
    assert notification.recipients == 3


def test_each_status_is_notified_separately(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    referral = submit(ngo_referrer, office_rabat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        referral_review_start(actor=caseworker, referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(actor=caseworker, referral=referral)
    assert [message.subject.rsplit(" : ", 1)[1] for message in outbox] == [
        "En cours d'examen",
        "Accepté",
    ]
    assert set(
        ReferralNotification.objects.filter(referral=referral).values_list("status", "recipients")
    ) == {("under_review", 1), ("accepted", 1)}


def test_an_ngo_without_addresses_is_recorded_as_told_nobody(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    User.objects.filter(pk=ngo_referrer.pk).update(email="")
    referral = submit(ngo_referrer, office_rabat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        referral_decline(actor=caseworker, referral=referral, reason=DECLINE_REASON)
    assert outbox == []
    assert ReferralNotification.objects.get().recipients == 0


def test_one_notification_queued_per_status_change(
    django_capture_on_commit_callbacks: Capture,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    with django_capture_on_commit_callbacks() as callbacks:
        referral_review_start(actor=caseworker, referral=referral)
    assert len(callbacks) == 1
    message = OutboxMessage.objects.get()
    assert message.handler == "referrals.status_email"
    # Ids and codes only: no personal data waits in the outbox.
    assert message.arguments == {"referral_id": referral.pk, "status": "under_review"}
    assert message.delivered_at is None


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Capture,
    outbox: list[mail.EmailMessage],
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        review_then_fail(caseworker, referral)
    assert callbacks == []
    assert outbox == []
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    assert not ReferralNotification.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.fixture
def silent_relay(settings: Settings) -> Iterator[socket.socket]:
    """A mail relay that takes the connection and never says a word."""
    with socket.socket() as relay:
        relay.bind(("127.0.0.1", 0))
        relay.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = relay.getsockname()[1]
        yield relay


def test_a_silent_mail_relay_is_tried_again_later(
    django_capture_on_commit_callbacks: Capture,
    settings: Settings,
    silent_relay: socket.socket,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    settings.EMAIL_TIMEOUT = 1
    referral = submit(ngo_referrer, office_rabat, django_capture_on_commit_callbacks)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        referral_review_start(actor=caseworker, referral=referral)
    assert time.monotonic() - started < 5
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.UNDER_REVIEW
    message = OutboxMessage.objects.get()
    # smtplib reports its timeout as a lost connection.
    assert (message.attempts, message.last_error) == (1, "SMTPServerDisconnected")
    assert message.delivered_at is None
    assert not ReferralNotification.objects.exists()


# A real worker ------------------------------------------------------------------------

WORKER_WAIT_SECONDS = 20


class QueueSpy:
    """Stands for the outbox's delivery task: records each queueing, then really queues."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], bool]] = []
        self.task = tasks.deliver_outbox_message

    def apply_async(self, args: tuple[Any, ...], **options: Any) -> Any:
        self.calls.append((args, connection.in_atomic_block))
        return self.task.apply_async(args, **options)


@pytest.fixture
def queue_spy(monkeypatch: pytest.MonkeyPatch) -> QueueSpy:
    spy = QueueSpy()
    monkeypatch.setattr(tasks, "deliver_outbox_message", spy)
    return spy


def wait_for_notification(referral_pk: int, seconds: float) -> ReferralNotification | None:
    deadline = time.monotonic() + seconds
    while True:
        found = ReferralNotification.objects.filter(referral_id=referral_pk).first()
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


@pytest.mark.worker
def test_real_worker_sends_the_mail_after_commit(
    celery_worker: str,
    transactional_db: None,
    queue_spy: QueueSpy,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
    tmp_path: Path,
) -> None:
    referral, created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    assert created
    assert queue_spy.calls == []  # the submission itself is not e-mailed
    with transaction.atomic():
        referral_review_start(actor=caseworker, referral=referral)
        # Not committed: nothing is queued, so the worker has nothing to do yet.
        assert queue_spy.calls == []
        assert wait_for_notification(referral.pk, seconds=2) is None
    message = OutboxMessage.objects.get()
    assert queue_spy.calls == [((message.pk,), False)]
    notification = wait_for_notification(referral.pk, seconds=WORKER_WAIT_SECONDS)
    assert notification is not None, (tmp_path / "worker.log").read_text()
    assert notification.status == ReferralStatus.UNDER_REVIEW
    assert notification.recipients == 1
    assert ReferralNotification.objects.filter(referral_id=referral.pk).count() == 1
    # Marked delivered in the transaction that recorded the notification.
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert message.attempts == 1
    if "EMAIL_BACKEND" not in os.environ:
        # The worker's console backend printed the e-mail it sent to its log.
        log = (tmp_path / "worker.log").read_text()
        assert "To: ngo@example.org" in log
        assert referral.reference in log
        for personal in ("Konaté", "Aminata", "Moussa", "+212", REASON):
            assert personal not in log


@pytest.mark.worker
def test_real_worker_gets_nothing_from_a_rolled_back_change(
    celery_worker: str,
    transactional_db: None,
    queue_spy: QueueSpy,
    ngo_referrer: User,
    caseworker: User,
    office_rabat: Organisation,
) -> None:
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    with pytest.raises(RuntimeError):
        review_then_fail(caseworker, referral)
    assert queue_spy.calls == []
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    assert wait_for_notification(referral.pk, seconds=3) is None
    assert not ReferralNotification.objects.exists()
    assert not OutboxMessage.objects.exists()
