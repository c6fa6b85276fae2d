import pytest
from django.test import Client

from avrr.models import User
from avrr.roles import Role


def test_non_admin_cannot_reach_admin_site(client: Client, persona: User) -> None:
    client.force_login(persona)
    response = client.get("/admin/")
    if persona.role == Role.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_flag_alone_does_not_open_admin_site(client: Client, caseworker: User) -> None:
    User.objects.filter(pk=caseworker.pk).update(is_staff=True)
    client.force_login(caseworker)
    assert client.get("/admin/avrr/user/").status_code == 302


def test_admin_role_gets_staff_flag_and_manages_users(client: Client, admin_user: User) -> None:
    assert admin_user.is_staff
    client.force_login(admin_user)
    assert client.get("/admin/avrr/user/").status_code == 200
    assert client.get("/admin/avrr/organisation/").status_code == 200
    assert client.get("/admin/avrr/auditevent/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/avrr/auditevent/add/"])
def test_audit_trail_cannot_be_written_from_admin(
    client: Client, admin_user: User, url: str
) -> None:
    client.force_login(admin_user)
    assert client.get(url).status_code == 403
