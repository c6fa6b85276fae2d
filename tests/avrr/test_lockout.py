"""Sign-in lock-outs: per client address and per account, apart; real client addresses
behind trusted proxies only; a lock that tries do not extend and that nobody elsewhere can
keep on (avrr/lockout.py, avrr/client_address.py)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from avrr.client_address import client_address
from avrr.models import AuditEvent, User
from avrr.services import user_set_password
from tests.factories import PERSONA_PASSWORD, UserFactory

PROXY = "10.0.0.2"
WRONG = "wrong-password-guess"


@pytest.fixture
def behind_proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]


def _sign_in(
    client: Client, username: str, password: str, address: str, forwarded_for: str = ""
) -> int:
    """The status of a sign-in from `address`, or through the proxy for `forwarded_for`."""
    data = {"username": username, "password": password}
    if forwarded_for:
        response = client.post(
            reverse("login"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
        )
    else:
        response = client.post(reverse("login"), data, REMOTE_ADDR=address)
    client.logout()
    return response.status_code


def _through_proxy(client: Client, username: str, password: str, address: str) -> int:
    return _sign_in(client, username, password, PROXY, forwarded_for=address)


@pytest.mark.usefixtures("behind_proxy")
def test_clients_behind_the_proxy_are_told_apart(client: Client, caseworker: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _through_proxy(client, "caseworker", WRONG, "203.0.113.66")
    assert _through_proxy(client, "caseworker", WRONG, "203.0.113.66") == 429
    # The same proxy relays the user's own sign-in: their address is not the attacker's.
    assert _through_proxy(client, "caseworker", PERSONA_PASSWORD, "198.51.100.10") == 302
    assert AuditEvent.objects.filter(action="auth.login", ip_address="198.51.100.10").exists()


@pytest.mark.usefixtures("behind_proxy")
def test_a_forged_forwarded_for_is_ignored(client: Client, caseworker: User) -> None:
    # Sent straight to the application, not through the proxy: the header is the client's.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"other{n}", "password": WRONG},
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.9"}
    assert _sign_in(client, "caseworker", PERSONA_PASSWORD, "192.0.2.9") == 429


def test_client_address_trusts_only_the_proxies_hops(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    factory = RequestFactory()

    def address(remote: str, forwarded_for: str) -> str | None:
        request = factory.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)
        return client_address(request)

    # What the client wrote itself (on the left) is never reached.
    assert address("10.0.0.2", "1.1.1.1, 203.0.113.5") == "203.0.113.5"
    # Through two trusted proxies.
    assert address("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.7") == "203.0.113.5"
    # Not from a trusted proxy: the header is ignored.
    assert address("198.51.100.1", "203.0.113.5") == "198.51.100.1"
    # Garbage from the proxy's side: the proxy is what is known.
    assert address("10.0.0.2", "not-an-address") == "10.0.0.2"
    settings.TRUSTED_PROXIES = []
    assert address("10.0.0.2", "203.0.113.5") == "10.0.0.2"


def test_password_spraying_from_one_address_is_slowed(client: Client, caseworker: User) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        UserFactory.create(username=f"colleague{n}")
        assert _sign_in(client, f"colleague{n}", "Summer2026!", "192.0.2.50") in (200, 429)
    assert _sign_in(client, "caseworker", PERSONA_PASSWORD, "192.0.2.50") == 429
    # Other addresses are not concerned.
    assert _sign_in(client, "caseworker", PERSONA_PASSWORD, "192.0.2.51") == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address(
    client: Client, caseworker: User
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, f"victim{n}", WRONG, "192.0.2.60")
    assert _sign_in(client, "caseworker", PERSONA_PASSWORD, "192.0.2.60") == 302
    assert _sign_in(client, "victim9", WRONG, "192.0.2.60") == 429
    assert _sign_in(client, "victim10", WRONG, "192.0.2.60") == 429


def test_tries_while_locked_do_not_extend_the_lock(client: Client, caseworker: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "caseworker", WRONG, "192.0.2.70")
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)

    def time_passes(delta: timedelta) -> None:
        for attempt in AccessAttempt.objects.all():
            attempt.attempt_time -= delta
            attempt.save(update_fields=["attempt_time"])

    time_passes(cool_off - timedelta(minutes=2))
    for _ in range(3):
        assert _sign_in(client, "caseworker", WRONG, "192.0.2.70") == 429
    time_passes(timedelta(minutes=3))
    # The cool-off counted from the last failure before the lock is over.
    assert _sign_in(client, "caseworker", PERSONA_PASSWORD, "192.0.2.70") == 302


@pytest.mark.usefixtures("behind_proxy")
def test_nobody_can_keep_an_account_locked_from_elsewhere(client: Client, caseworker: User) -> None:
    attackers = [f"203.0.113.{n}" for n in range(1, 4)]
    per_address = settings.AXES_FAILURE_LIMIT - 1
    assert per_address * len(attackers) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    for address in attackers:
        for _ in range(per_address):
            _through_proxy(client, "caseworker", WRONG, address)
    # The account is closed to the addresses that guessed, even with the right password...
    assert _through_proxy(client, "caseworker", PERSONA_PASSWORD, attackers[0]) == 429
    # ...not to its owner elsewhere, whose sign-in clears the account's failures.
    assert _through_proxy(client, "caseworker", PERSONA_PASSWORD, "198.51.100.10") == 302
    assert not AccessAttempt.objects.filter(username="caseworker").exists()


def test_a_new_password_lifts_the_account_lock(client: Client, caseworker: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "caseworker", WRONG, "192.0.2.80")
    user_set_password(actor=None, user=caseworker, password="Another-Long-Passphrase-7")
    assert not AccessAttempt.objects.filter(username="caseworker").exists()
