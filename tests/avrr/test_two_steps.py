"""Two-step verification: an authenticator's code after the password, required for some
roles, offered to the others, with single-use recovery codes (avrr/two_steps.py)."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from avrr.admin_site import AvrrAdminSite
from avrr.demo import demo_seed
from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from tests.factories import PERSONA_PASSWORD, UserFactory, authenticator_code


def _password_step(client: Client, username: str, password: str = PERSONA_PASSWORD) -> str:
    response = client.post(
        reverse("login"), {"username": username, "password": password}, follow=True
    )
    return response.redirect_chain[-1][0] if response.redirect_chain else ""


def _code_step(client: Client, code: str, field: str = "code") -> str:
    response = client.post(reverse("otp_verify"), {field: code, "next": "/"})
    return response["Location"] if response.status_code == 302 else response.content.decode()


def _code_on_setup_page(page: str) -> str:
    """What the user's application shows once they have added the key the page gives."""
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    key = b32decode(secret.group(1).replace(" ", ""))
    return f"{TOTP(key).token():06d}"


@pytest.fixture
def new_supervisor(office_rabat: Organisation) -> User:
    """A supervisor who has not enrolled yet."""
    return UserFactory.create(
        username="new.supervisor",
        role=Role.SUPERVISOR,
        organisation=office_rabat,
        authenticator=False,
    )


def test_a_user_with_an_authenticator_gives_a_code_after_the_password(
    client: Client, supervisor: User
) -> None:
    assert _password_step(client, "supervisor").startswith(reverse("otp_verify"))
    # Nothing else is reachable before the code: pages, API, the admin, enrolling anew.
    for url in (reverse("home"), reverse("cases:list"), reverse("api-me"), reverse("otp_setup")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp_verify"))

    page = _code_step(client, "000000" if authenticator_code(supervisor) != "000000" else "1")
    assert "Code refusé" in page
    assert AuditEvent.objects.filter(action="user.otp_failed", actor=supervisor).exists()

    TOTPDevice.objects.filter(user=supervisor).update(throttling_failure_count=0)
    assert _code_step(client, authenticator_code(supervisor)) == "/"
    assert client.get(reverse("home")).status_code == 200


def test_codes_are_throttled(client: Client, supervisor: User) -> None:
    _password_step(client, "supervisor")
    _code_step(client, "999999" if authenticator_code(supervisor) != "999999" else "1")
    # Right away, even the right code waits: guessing six digits is hopeless.
    assert "Code refusé" in _code_step(client, authenticator_code(supervisor))


def test_a_recovery_code_signs_in_once(client: Client, supervisor: User) -> None:
    device = StaticDevice.objects.create(user=supervisor, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    _password_step(client, "supervisor")
    assert _code_step(client, "ABCD 2345", field="recovery_code") == "/"
    assert AuditEvent.objects.filter(action="user.otp_recovery_used", actor=supervisor).exists()

    client.post(reverse("logout"))
    _password_step(client, "supervisor")
    device.throttle_reset()
    assert "Code refusé" in _code_step(client, "abcd2345", field="recovery_code")


def test_signing_out_forgets_the_code(client: Client, supervisor: User) -> None:
    _password_step(client, "supervisor")
    _code_step(client, authenticator_code(supervisor))
    client.post(reverse("logout"))
    assert _password_step(client, "supervisor").startswith(reverse("otp_verify"))


def test_a_required_role_enrols_before_anything_else(client: Client, new_supervisor: User) -> None:
    assert _password_step(client, "new.supervisor").startswith(reverse("otp_setup"))
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("otp_setup"))

    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page  # the QR code
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    codes_page = client.post(
        reverse("otp_setup"), {"code": _code_on_setup_page(page), "next": "/"}
    ).content.decode()
    codes = re.findall(r"<li class=\"col\">([a-z2-7]{8})</li>", codes_page)
    assert len(set(codes)) == 10
    assert AuditEvent.objects.filter(action="user.otp_enrol", actor=new_supervisor).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_does_not_enrol(client: Client, new_supervisor: User) -> None:
    _password_step(client, "new.supervisor")
    client.get(reverse("otp_setup"))
    page = client.post(reverse("otp_setup"), {"code": "12"}).content.decode()
    assert "Code refusé" in page
    assert not TOTPDevice.objects.filter(user=new_supervisor, confirmed=True).exists()


def test_other_roles_may_enable_and_disable_it(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("security")).content.decode()
    assert reverse("otp_setup") in page

    setup = client.get(reverse("otp_setup")).content.decode()
    client.post(reverse("otp_setup"), {"code": _code_on_setup_page(setup)})
    assert TOTPDevice.objects.filter(user=caseworker, confirmed=True).exists()
    assert "10 codes de secours" in client.get(reverse("security")).content.decode()

    renewed = client.post(reverse("otp_recovery_codes")).content.decode()
    assert len(re.findall(r"<li class=\"col\">", renewed)) == 10
    assert client.post(reverse("otp_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    actions = set(AuditEvent.objects.filter(actor=caseworker).values_list("action", flat=True))
    assert {"user.otp_enrol", "user.otp_recovery_renew", "user.otp_disable"} <= actions


def test_a_required_role_may_not_disable_it(client: Client, supervisor: User) -> None:
    client.force_login(supervisor)
    assert reverse("otp_disable") not in client.get(reverse("security")).content.decode()
    assert client.post(reverse("otp_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=supervisor).exists()


def test_the_admin_site_requires_the_code(admin_user: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user  # signed in with the password only
    assert not AvrrAdminSite().has_permission(request)
    admin_user.otp_device = TOTPDevice.objects.get(user=admin_user)  # type: ignore[attr-defined]
    assert AvrrAdminSite().has_permission(request)
    request.user = AnonymousUser()
    assert not AvrrAdminSite().has_permission(request)


def test_the_admin_login_is_the_sites_own(client: Client, db: None) -> None:
    response = client.get("/admin/login/?next=/admin/avrr/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/avrr/user/"


def test_an_admin_resets_a_lost_phone(client: Client, admin_user: User, supervisor: User) -> None:
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:avrr_user_changelist"),
        {"action": "reset_two_steps", "_selected_action": [supervisor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert AuditEvent.objects.filter(
        action="user.otp_reset", actor=admin_user, target_id=str(supervisor.pk)
    ).exists()
    other = Client()
    assert _password_step(other, "supervisor").startswith(reverse("otp_setup"))


def test_demo_users_of_required_roles_can_give_a_code(client: Client, db: None) -> None:
    logins = {login.username: login for login in demo_seed()}
    admin = logins["admin"]
    assert admin.totp_key
    assert len(admin.recovery_codes) == 10
    assert not logins["agent.rabat"].totp_key
    assert _password_step(client, "admin", admin.password).startswith(reverse("otp_verify"))
    code = f"{TOTP(b32decode(admin.totp_key.replace(' ', ''))).token():06d}"
    assert _code_step(client, code) == "/"
