"""The home page: the panels registry, which panels each role gets, and avrr's own panels
(the ministry's, which never shows personal data, and the administrator's)."""

from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avrr import home
from avrr.home import HomePanel, ShownPanel, panels_for, register_panel
from avrr.models import Organisation, User
from avrr.roles import Role
from cases.referrals.services import referral_submit
from tests.factories import person_data, referral_data, register_case

EXPECTED_PANELS = {
    Role.CASEWORKER: ["cases/home/worklist.html"],
    Role.SUPERVISOR: [
        "referrals/home/triage.html",
        "cases/home/overdue.html",
        "cases/home/team.html",
        "cases/home/worklist.html",
        "departure/funding/home/funding.html",
    ],
    Role.REINTEGRATION_OFFICER: [
        "departure/movements/home_arrivals.html",
        "cases/home/returnees.html",
    ],
    Role.MINISTRY_FOCAL_POINT: ["avrr/home/programme_figures.html"],
    Role.NGO_REFERRER: ["referrals/home/referrer.html"],
    Role.ADMIN: ["avrr/home/administration.html"],
}


def home_page(client: Client, user: User) -> tuple[str, list[ShownPanel]]:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), response.context["panels"]


# The registry -------------------------------------------------------------------------


def _only_for(username: str) -> Any:
    def context_for(user: User) -> Mapping[str, Any] | None:
        return {"name": username} if user.username == username else None

    return context_for


def test_panels_come_in_position_order_once_each_for_whom_they_are(
    monkeypatch: pytest.MonkeyPatch, caseworker: User
) -> None:
    monkeypatch.setattr(home, "_panels", [])
    register_panel(HomePanel("b", "b.html", _only_for("caseworker"), 20))
    register_panel(HomePanel("a", "a.html", _only_for("caseworker"), 10))
    register_panel(HomePanel("a", "again.html", _only_for("caseworker"), 5))
    register_panel(HomePanel("c", "c.html", _only_for("somebody else"), 1))
    assert panels_for(caseworker) == [
        ShownPanel("a.html", {"name": "caseworker"}),
        ShownPanel("b.html", {"name": "caseworker"}),
    ]


def test_each_role_gets_its_panels(client: Client, persona: User) -> None:
    _page, panels = home_page(client, persona)
    assert [panel.template for panel in panels] == EXPECTED_PANELS[Role(persona.role)]


# The ministry: figures later, never personal data -------------------------------------


def test_ministry_sees_no_personal_data_and_the_api_docs(
    client: Client,
    ministry_focal_point: User,
    caseworker: User,
    ngo_referrer: User,
    office_rabat: Organisation,
) -> None:
    case = register_case(caseworker, person_data(family_name="Sangaré", given_name="Mariama"))
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    page, _panels = home_page(client, ministry_focal_point)
    for personal in ("Sangaré", "Mariama", case.number, "Konaté", "Aminata", referral.reference):
        assert personal not in page
    assert "module de rapports" in page
    assert f'href="{reverse("api-docs")}"' in page


# The administrator ---------------------------------------------------------------------


def test_admin_gets_links_to_users_organisations_and_audit_trail(
    client: Client, admin_user: User
) -> None:
    page, _panels = home_page(client, admin_user)
    for name in ("user", "organisation", "auditevent"):
        assert f'href="{reverse(f"admin:avrr_{name}_changelist")}"' in page
    assert "Utilisateurs" in page
    assert "Journal d&#x27;audit" in page


def test_no_other_role_gets_the_admin_links(client: Client, supervisor: User) -> None:
    page, _panels = home_page(client, supervisor)
    assert reverse("admin:avrr_auditevent_changelist") not in page


# Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("ministry_focal_point", 6),
        # + the link requests between offices, which an admin may answer (none here)
        ("admin_user", 7),
    ],
)
def test_home_query_count_without_rows(
    client: Client, role_fixture: str, expected: int, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    # Pinned: reading the session and the user, their second factor (the device that
    # verified the session, or whether they have one), saving the session (savepoint,
    # update, release); their panels read nothing more.
    assert len(queries) == expected
