"""The case panels of the home page: a caseworker's work list and its overdue steps, a
supervisor's office and team, a mission's returnees. Nothing of another office or country
shows, and each role's page costs the same queries at 5 and 50 cases."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avrr.models import User
from avrr.roles import Role
from cases.home import NEXT_STEPS, overdue_reasons
from cases.models import PRE_DEPARTURE_STATUSES, Case, CaseStatus
from cases.selectors import OVERDUE_RULES
from tests.factories import UserFactory, person_data, register_case


def days_ago(days: int) -> Any:
    return timezone.localdate() - timedelta(days=days)


def set_status(case: Case, status: CaseStatus, **fields: Any) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    return Case.objects.get(pk=case.pk)


def home_page(client: Client, user: User) -> tuple[str, dict[str, Mapping[str, Any]]]:
    """The page's HTML, and each panel's context by its template."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    panels = {panel.template: panel.context for panel in response.context["panels"]}
    return response.content.decode(), panels


def worklist_rows(panel: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(group, case number, overdue reason) in the order shown."""
    return [
        (group.label, row.case.number, row.overdue)
        for group in panel["groups"]
        for row in group.rows
    ]


@pytest.fixture
def colleague(office_rabat: object) -> User:
    return UserFactory.create(username="colleague", role=Role.CASEWORKER, organisation=office_rabat)


@pytest.fixture
def caseworker_cases(caseworker: User, colleague: User) -> dict[str, Case]:
    """The caseworker's cases at every stage, on both sides of each threshold."""
    cases = {
        "registered_today": register_case(caseworker, person_data(given_name="Awa")),
        "registered_7_days": register_case(
            caseworker, person_data(given_name="Binta"), registered_on=days_ago(7)
        ),
        "registered_8_days": register_case(
            caseworker, person_data(given_name="Coumba"), registered_on=days_ago(8)
        ),
        "assisting": register_case(caseworker, person_data(given_name="Djeneba")),
        "ready_14_days": register_case(caseworker, person_data(given_name="Fanta")),
        "ready_15_days": register_case(caseworker, person_data(given_name="Hawa")),
        "waiting_funds": register_case(caseworker, person_data(given_name="Kadiatou")),
        "departed": register_case(caseworker, person_data(given_name="Mariam")),
        "withdrawn": register_case(caseworker, person_data(given_name="Nana")),
        "colleague": register_case(
            caseworker, person_data(given_name="Oumou"), assigned_to=colleague
        ),
    }
    cases["assisting"] = set_status(cases["assisting"], CaseStatus.ASSISTING)
    cases["ready_14_days"] = set_status(
        cases["ready_14_days"], CaseStatus.READY, ready_on=days_ago(14)
    )
    cases["ready_15_days"] = set_status(
        cases["ready_15_days"], CaseStatus.READY, ready_on=days_ago(15)
    )
    cases["waiting_funds"] = set_status(cases["waiting_funds"], CaseStatus.WAITING_FUNDS)
    cases["departed"] = set_status(cases["departed"], CaseStatus.DEPARTED)
    cases["withdrawn"] = set_status(cases["withdrawn"], CaseStatus.WITHDRAWN)
    return cases


# The rules ----------------------------------------------------------------------------


def test_every_overdue_rule_says_why_and_every_stage_its_next_step() -> None:
    assert set(overdue_reasons()) == {rule.status for rule in OVERDUE_RULES}
    assert set(NEXT_STEPS) == PRE_DEPARTURE_STATUSES


# Caseworker ---------------------------------------------------------------------------


def test_caseworker_sees_the_cases_waiting_on_them_by_stage_overdue_first(
    client: Client,
    caseworker: User,
    caseworker_cases: dict[str, Case],
    other_office_caseworker: User,
) -> None:
    register_case(other_office_caseworker, person_data(given_name="Ramatou"))
    page, panels = home_page(client, caseworker)
    number = {name: case.number for name, case in caseworker_cases.items()}
    late_registration = "Enregistré depuis plus de 7 jours, sans assistance commencée"
    assert worklist_rows(panels["cases/home/worklist.html"]) == [
        ("Enregistré", number["registered_8_days"], late_registration),
        ("Enregistré", number["registered_7_days"], ""),
        ("Enregistré", number["registered_today"], ""),
        ("En assistance", number["assisting"], ""),
        ("Prêt au départ", number["ready_15_days"], "Prêt au départ depuis plus de 14 jours"),
        ("Prêt au départ", number["ready_14_days"], ""),
        (
            "En attente de financement",
            number["waiting_funds"],
            "Départ bloqué faute de financement",
        ),
    ]
    assert "Prochaine étape : commencer l&#x27;assistance" in page
    assert reverse("cases:detail", args=[caseworker_cases["registered_8_days"].pk]) in page
    assert page.count('data-testid="overdue"') == 3
    # Nothing departed, withdrawn, a colleague's or another office's.
    for name in ("departed", "withdrawn", "colleague"):
        assert number[name] not in page
    assert "Ramatou" not in page
    assert "Étapes en retard au bureau" not in page


def test_caseworker_with_nothing_waiting_is_told_so(client: Client, caseworker: User) -> None:
    page, panels = home_page(client, caseworker)
    assert panels["cases/home/worklist.html"]["groups"] == []
    assert "Rien ne vous attend" in page


# Supervisor ---------------------------------------------------------------------------


def test_supervisor_sees_the_office_overdue_steps_and_the_team(
    client: Client,
    supervisor: User,
    caseworker: User,
    colleague: User,
    caseworker_cases: dict[str, Case],
    other_office_caseworker: User,
) -> None:
    unassigned = set_status(
        register_case(caseworker, person_data(given_name="Salimata")),
        CaseStatus.WAITING_FUNDS,
        assigned_to=None,
    )
    other_office = register_case(
        other_office_caseworker, person_data(given_name="Ramatou"), registered_on=days_ago(30)
    )
    page, panels = home_page(client, supervisor)
    overdue = [row.case.number for row in panels["cases/home/overdue.html"]["rows"]]
    assert overdue == [
        caseworker_cases["registered_8_days"].number,
        caseworker_cases["ready_15_days"].number,
        caseworker_cases["waiting_funds"].number,
        unassigned.number,
    ]
    assert other_office.number not in page
    team = {
        member.name: (member.open_count, member.overdue_count)
        for member in panels["cases/home/team.html"]["members"]
    }
    # Open: not closed nor withdrawn (a departed case is still open).
    assert team == {
        caseworker.get_full_name(): (8, 3),
        colleague.get_full_name(): (1, 0),
        "Non assigné": (1, 1),
    }
    assert f"{reverse('cases:list')}?assigned_to={caseworker.pk}" in page
    assert reverse("cases:caseload") in page
    # A supervisor is assigned cases too: their own (none) come after.
    assert "Rien ne vous attend" in page


def test_caseworker_does_not_oversee_the_office(
    client: Client, caseworker: User, caseworker_cases: dict[str, Case]
) -> None:
    _page, panels = home_page(client, caseworker)
    assert list(panels) == ["cases/home/worklist.html"]


# Reintegration officer ----------------------------------------------------------------


def test_mission_sees_the_returnees_of_its_country_newest_first(
    client: Client,
    reintegration_officer: User,
    caseworker: User,
    other_office_caseworker: User,
) -> None:
    older = set_status(
        register_case(caseworker, person_data(given_name="Aissatou"), registered_on=days_ago(90)),
        CaseStatus.DEPARTED,
    )
    newer = set_status(
        register_case(other_office_caseworker, person_data(given_name="Bintou")),
        CaseStatus.CLOSED,
    )
    not_departed = register_case(caseworker, person_data(given_name="Coura"))
    to_senegal = set_status(
        register_case(caseworker, person_data(given_name="Dior", nationality="SN")),
        CaseStatus.DEPARTED,
    )
    page, panels = home_page(client, reintegration_officer)
    assert list(panels) == ["departure/movements/home_arrivals.html", "cases/home/returnees.html"]
    assert [case.number for case in panels["cases/home/returnees.html"]["cases"]] == [
        newer.number,
        older.number,
    ]
    assert reverse("cases:detail", args=[older.pk]) in page
    assert not_departed.number not in page
    assert to_senegal.number not in page
    assert "n'est pas encore dans l'application" in page


def test_mission_with_no_returnee_is_told_so(client: Client, reintegration_officer: User) -> None:
    page, _panels = home_page(client, reintegration_officer)
    assert "Personne n'est encore retourné dans votre pays." in page


# Query counts -------------------------------------------------------------------------

# Pinned: a change here is a decision. Each includes reading the session and the user, their
# second factor (the device that verified the session, or whether they have one), and saving
# the session (savepoint, update, release): 6.
HOME_QUERIES = {
    "caseworker": 8,  # + the work list, its principals
    "supervisor": 17,  # + other offices' link requests, referrals to triage, overdue cases and
    # principals, team, work list (2), agreements nearly spent, waiting list's head and
    # principals, its people
    "reintegration_officer": 9,  # + expected arrivals, returnees, their principals
}


def count_home_queries(client: Client, user: User) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def add_cases(assignees: list[User], count: int) -> None:
    """Cases at every stage before and after departure, some overdue, all to Guinea,
    assigned in turn."""
    statuses = [*CaseStatus]
    for index in range(count):
        case = register_case(
            assignees[0],
            person_data(given_name=f"Personne{index}"),
            registered_on=days_ago(index),
            assigned_to=assignees[index % len(assignees)],
        )
        set_status(case, statuses[index % len(statuses)], ready_on=days_ago(index))


@pytest.mark.parametrize("role_fixture", list(HOME_QUERIES))
def test_home_query_count_is_the_same_for_5_and_50_cases(
    client: Client,
    caseworker: User,
    supervisor: User,
    role_fixture: str,
    request: pytest.FixtureRequest,
) -> None:
    user = request.getfixturevalue(role_fixture)
    add_cases([caseworker, supervisor], 5)
    five = count_home_queries(client, user)
    add_cases([caseworker, supervisor], 45)
    assert count_home_queries(client, user) == five == HOME_QUERIES[role_fixture]
