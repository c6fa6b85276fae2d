from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from avrr.models import User
from avrr.roles import Role

EXPECTED_NAVIGATION = {
    Role.CASEWORKER: [
        "home",
        "cases:list",
        "referrals:list",
        "departure:board",
    ],
    Role.SUPERVISOR: [
        "home",
        "cases:list",
        "cases:caseload",
        "referrals:list",
        "departure:board",
    ],
    Role.REINTEGRATION_OFFICER: ["home", "cases:list", "departure:arrivals"],
    Role.MINISTRY_FOCAL_POINT: ["home", "api-docs"],
    Role.NGO_REFERRER: ["home", "referrals:list", "api-docs"],
    Role.ADMIN: [
        "home",
        "cases:list",
        "cases:caseload",
        "referrals:list",
        "departure:board",
        "api-docs",
        "admin:index",
    ],
}


def test_each_role_sees_its_navigation(client: Client, persona: User) -> None:
    client.force_login(persona)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    urls = [item["url"] for item in response.context["navigation"]]
    assert urls == [reverse(name) for name in EXPECTED_NAVIGATION[Role(persona.role)]]


def test_home_describes_what_the_role_sees(
    client: Client, ministry_focal_point: User, ngo_referrer: User
) -> None:
    client.force_login(ministry_focal_point)
    page = client.get(reverse("home")).content.decode()
    assert "chiffres agrégés" in page
    assert "dossiers individuels" not in page
    client.force_login(ngo_referrer)
    page = client.get(reverse("home")).content.decode()
    assert "référencements soumis par votre organisation" in page
    assert "dossiers individuels" not in page


def test_home_query_count(
    client: Client, caseworker: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(caseworker)
    # Read the session, the user with their organisation; whether they enrolled an
    # authenticator (two-step verification); the caseworker's work list (empty: one query);
    # save the session (savepoint, update, release).
    with django_assert_num_queries(7):
        client.get(reverse("home"))
