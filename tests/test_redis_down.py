"""With Redis down, no request fails and nothing is lost.

Each test runs its own Redis (tests/fixtures/services.py::own_redis) as broker and cache,
tasks really sent to it, kills it, makes requests, then starts it again. What could not be
handed to a worker waits in the outbox and is delivered once Redis is back, exactly once.
Requests commit for real, so that what follows a commit runs as in production.
"""

import logging
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from avrr import tasks
from avrr.api_keys import api_key_create
from avrr.models import Organisation, OutboxMessage, RateCounter, User
from avrr.throttling import OrganisationRateThrottle
from cases.models import Case
from cases.referrals.models import Referral, ReferralNotification, ReferralStatus
from cases.referrals.services import referral_submit
from tests.factories import PERSONA_PASSWORD, referral_data
from tests.fixtures.services import RedisServer

URL = "/api/v1/referrals/"
# What the referral holds about people; none of it may reach the logs.
PERSONAL_DATA = ["Konaté", "Aminata", "Moussa", "600 00 00", "Fatou Diallo", "Abidjan"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def outbox(db: None, mailoutbox: list[mail.EmailMessage]) -> list[mail.EmailMessage]:
    """pytest-django's mailoutbox, taken once the database is set up (see test_tasks)."""
    return mailoutbox


@pytest.fixture
def ngo_tool(ngo: Organisation) -> APIClient:
    _key, raw = api_key_create(actor=None, organisation=ngo, name="Kobo")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def referral(ngo_referrer: User, office_rabat: Organisation) -> Referral:
    created, _new = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    return created


def _payload() -> dict[str, object]:
    return {
        "office": "RBA",
        "people": [
            {
                "family_name": "Konaté",
                "given_name": "Aminata",
                "sex": "F",
                "nationality": "CI",
                "birth_date": "1996-02-11",
            }
        ],
        "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
        "consent_given_on": "2026-01-10",
        "consent_taken_by": "Fatou Diallo",
    }


def _a_minute_later() -> None:
    """The outbox's periodic task runs every minute and takes what waited that long."""
    OutboxMessage.objects.update(next_attempt_at=timezone.now())


def test_the_referral_api_takes_submissions(
    own_redis: RedisServer, ngo_tool: APIClient, office_rabat: Organisation
) -> None:
    own_redis.stop()
    response = ngo_tool.post(URL, _payload(), format="json")
    assert response.status_code == 201
    assert Referral.objects.get().reference == response.json()["reference"]


TRIAGE = {
    "page: accept": ("page", "accept", {}, ReferralStatus.ACCEPTED),
    "page: decline": ("page", "decline", {"reason": "Relève du HCR."}, ReferralStatus.DECLINED),
    "API: accept": ("api", "accept", {}, ReferralStatus.ACCEPTED),
    "API: decline": ("api", "decline", {"reason": "Relève du HCR."}, ReferralStatus.DECLINED),
}


@pytest.mark.parametrize(("way", "action", "data", "status"), TRIAGE.values(), ids=TRIAGE)
def test_triage_answers_and_its_mail_is_sent_once_redis_is_back(
    own_redis: RedisServer,
    outbox: list[mail.EmailMessage],
    referral: Referral,
    caseworker: User,
    caplog: pytest.LogCaptureFixture,
    way: str,
    action: str,
    data: dict[str, str],
    status: ReferralStatus,
) -> None:
    own_redis.stop()
    if way == "page":
        client = Client()
        client.force_login(caseworker)
        page = client.post(reverse(f"referrals:{action}", args=[referral.pk]), data)
        assert page.status_code == 302
    else:
        api = APIClient()
        api.force_authenticate(caseworker)
        answer = api.post(f"{URL}{referral.pk}/{action}/", data, format="json")
        assert answer.status_code == 200
        assert answer.json()["status"] == status
    referral.refresh_from_db()
    assert referral.status == status
    # The e-mail waits in the outbox, saved with the change.
    message = OutboxMessage.objects.get()
    assert message.arguments == {"referral_id": referral.pk, "status": status}
    assert message.delivered_at is None
    assert outbox == []
    assert not ReferralNotification.objects.exists()
    assert f"Outbox message {message.pk} (referrals.status_email) not queued" in caplog.text
    for personal in PERSONAL_DATA:
        assert personal not in caplog.text

    own_redis.start()
    # Not due yet: the worker may still be on it.
    assert tasks.redeliver_outbox.apply().get() == 0
    _a_minute_later()
    assert tasks.redeliver_outbox.apply().get() == 1
    assert [message.to for message in outbox] == [["ngo@example.org"]]
    assert referral.reference in outbox[0].subject
    # Exactly once: neither the next run nor a late worker sends it again.
    _a_minute_later()
    assert tasks.redeliver_outbox.apply().get() == 0
    assert tasks.deliver_outbox_message.apply((message.pk,)).get() is False
    assert len(outbox) == 1
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert message.attempts == 1


def test_with_redis_back_the_mail_goes_to_the_worker_again(
    own_redis: RedisServer, outbox: list[mail.EmailMessage], referral: Referral, caseworker: User
) -> None:
    own_redis.stop()
    own_redis.start()
    client = Client()
    client.force_login(caseworker)
    response = client.post(reverse("referrals:review", args=[referral.pk]))
    assert response.status_code == 302
    # Handed to the broker at commit: one task waits in Redis for a worker.
    assert own_redis.queued() == 1
    assert OutboxMessage.objects.get().delivered_at is None


def _registration() -> dict[str, str]:
    return {
        "registered_on": "2026-01-15",
        "referral_source": "walk_in",
        "priority": "0",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-relationship": "principal",
        "people-0-family_name": "Bah",
        "people-0-given_name": "Fatoumata",
        "people-0-sex": "F",
        "people-0-age": "30",
        "people-0-nationality": "GN",
    }


def test_signing_in_and_registering_a_case(own_redis: RedisServer, caseworker: User) -> None:
    own_redis.stop()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "caseworker", "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("cases:register"), _registration())
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_password_still_counts_towards_the_lock_out(
    own_redis: RedisServer, settings: Settings, caseworker: User
) -> None:
    own_redis.stop()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "caseworker", "password": "wrong-guess"})
    response = client.post(
        reverse("login"), {"username": "caseworker", "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 429


def _throttle_request(user: User) -> Request:
    request = Request(APIRequestFactory().post(URL))
    request.user = user
    return request


def test_the_rate_limit_holds_across_workers_counted_in_the_database(
    own_redis: RedisServer,
    settings: Settings,
    ngo: Organisation,
    ngo_referrer: User,
    ngo_tool: APIClient,
    office_rabat: Organisation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"referrals": "3/min"},
    }
    own_redis.stop()
    # Two web workers' throttles: all they share is the database.
    first, second = OrganisationRateThrottle(), OrganisationRateThrottle()
    view = APIView()
    answers = [
        throttle.allow_request(_throttle_request(ngo_referrer), view)
        for throttle in (first, second, first, second, first)
    ]
    assert answers == [True, True, True, False, False]
    assert 0 < (first.wait() or 0) <= 60
    assert RateCounter.objects.get().hits == 5
    assert "counted in the database: cache unreachable (ConnectionError)" in caplog.text

    # Through the API, the organisation's key is refused as its staff were: 429, not 500.
    refused = ngo_tool.post(URL, _payload(), format="json")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert not Referral.objects.exists()

    # Once Redis is back, requests are counted there again.
    counted = RateCounter.objects.get().hits
    own_redis.start()
    assert second.allow_request(_throttle_request(ngo_referrer), view)
    assert RateCounter.objects.get().hits == counted


def test_a_window_forgets_the_earlier_ones(
    own_redis: RedisServer, settings: Settings, ngo_referrer: User
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"referrals": "1/min"},
    }
    own_redis.stop()
    throttle = OrganisationRateThrottle()
    view = APIView()
    throttle.timer = lambda: 600.0
    assert throttle.allow_request(_throttle_request(ngo_referrer), view)
    assert not throttle.allow_request(_throttle_request(ngo_referrer), view)
    throttle.timer = lambda: 660.0
    assert throttle.allow_request(_throttle_request(ngo_referrer), view)
    assert RateCounter.objects.get().hits == 1


def test_the_outbox_log_names_no_one(
    own_redis: RedisServer, referral: Referral, caseworker: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    own_redis.stop()
    client = Client()
    client.force_login(caseworker)
    client.post(reverse("referrals:review", args=[referral.pk]))
    assert "not queued (OperationalError)" in caplog.text
    for record in caplog.records:
        for personal in [*PERSONAL_DATA, caseworker.username, "ngo@example.org"]:
            assert personal not in record.getMessage()
