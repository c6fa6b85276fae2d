import html
import re

import pytest
from django.test import Client

from avrr.models import AuditEvent, User
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


def _column_headers(page: str) -> list[str]:
    thead = re.search(r"<thead>(.*?)</thead>", page, re.DOTALL)
    assert thead is not None
    return [
        html.unescape(re.sub(r"<[^>]+>", "", header)).strip()
        for header in re.findall(
            r'<th scope="col" class="[^"]*column-.*?</th>', thead.group(1), re.DOTALL
        )
    ]


def test_audit_log_names_actions_and_columns_in_the_user_language(
    client: Client, admin_user: User
) -> None:
    client.force_login(admin_user)  # audited as auth.login
    page = client.get("/admin/avrr/auditevent/").content.decode()
    assert _column_headers(page) == [
        "Date",
        "Identifiant de l'auteur",
        "Action",
        "Type de cible",
        "Identifiant de la cible",
    ]
    assert '<td class="field-action_shown">Connexion</td>' in page
    assert '<td class="field-target_kind">Utilisateur</td>' in page
    assert ">auth.login<" not in page
    assert ">Connexion</a></li>" in page  # the filter by action


def test_audit_event_page_names_its_fields(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    event = AuditEvent.objects.get(action="auth.login")
    page = client.get(f"/admin/avrr/auditevent/{event.pk}/change/").content.decode()
    assert '<div class="readonly">Connexion</div>' in page
    assert "Type de cible" in page
    assert "Target type" not in page
    assert "Scope" not in page
