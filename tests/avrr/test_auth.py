import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from avrr.services import user_create
from tests.factories import PERSONA_PASSWORD


def _login(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code


def test_login_then_home(client: Client, caseworker: User) -> None:
    assert _login(client, "caseworker", PERSONA_PASSWORD) == 302
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=caseworker).exists()


def test_home_needs_login(client: Client, db: None) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_many_wrong_passwords_are_throttled(client: Client, caseworker: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "caseworker", "wrong-password-guess") == 200
    assert _login(client, "caseworker", "wrong-password-guess") == 429
    # Locked out now, even with the right password.
    assert _login(client, "caseworker", PERSONA_PASSWORD) == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_a_few_wrong_passwords_are_not_throttled(client: Client, caseworker: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "caseworker", "wrong-password-guess")
    assert _login(client, "caseworker", PERSONA_PASSWORD) == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "trop court"),
        ("password1234", "trop courant"),
        ("839201749201", "entièrement numérique"),
    ],
)
def test_password_rules(office_rabat: Organisation, password: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        user_create(
            actor=None,
            username="newcomer",
            password=password,
            role=Role.CASEWORKER,
            organisation=office_rabat,
        )
    assert not User.objects.filter(username="newcomer").exists()


def test_user_create_puts_user_in_role_group(office_rabat: Organisation) -> None:
    user = user_create(
        actor=None,
        username="newcomer",
        password=PERSONA_PASSWORD,
        role=Role.SUPERVISOR,
        organisation=office_rabat,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["role:supervisor"]
    assert not user.is_staff
    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).exists()


def test_only_admins_may_have_no_organisation(db: None) -> None:
    with pytest.raises(ValidationError, match="Seul un administrateur"):
        user_create(
            actor=None,
            username="orphan",
            password=PERSONA_PASSWORD,
            role=Role.CASEWORKER,
            organisation=None,
        )


def test_session_expires_after_inactivity(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes expiry back by the idle period...
    remaining = session.expire_date - timezone.now()
    assert abs(remaining.total_seconds() - settings.SESSION_IDLE_MINUTES * 60) < 60
    # ...and once that period has passed without a request, the user is signed out.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now())
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_deactivated_organisation_shuts_out_its_users(client: Client, caseworker: User) -> None:
    assert caseworker.organisation is not None
    Organisation.objects.filter(pk=caseworker.organisation.pk).update(is_active=False)
    assert _login(client, "caseworker", PERSONA_PASSWORD) == 200
    assert "_auth_user_id" not in client.session


def test_login_switches_to_user_language(client: Client, caseworker: User) -> None:
    User.objects.filter(pk=caseworker.pk).update(language="ar")
    client.post(reverse("login"), {"username": "caseworker", "password": PERSONA_PASSWORD})
    response = client.get(reverse("home"))
    assert response.content.decode().count('dir="rtl"') == 1


def test_language_switch_is_remembered_for_the_user(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.language == "en"
    assert "Hello" in client.get(reverse("home")).content.decode()


def test_logout(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
