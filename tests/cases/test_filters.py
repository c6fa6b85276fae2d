"""The case list's search and filters."""

import re
from datetime import date
from typing import Any

import pytest
from django.db.models import QuerySet
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse

from avrr.models import Organisation, User
from avrr.roles import Role
from cases import access
from cases.models import Case, CaseStatus
from cases.selectors import CaseFilter
from cases.services import case_transition
from tests.factories import UserFactory, child_data, person_data, register_case

Cases = dict[str, Case]


@pytest.fixture
def colleague(office_rabat: Organisation) -> User:
    return UserFactory.create(
        username="caseworker.two",
        role=Role.CASEWORKER,
        organisation=office_rabat,
        last_name="Zeroual",
    )


@pytest.fixture
def cases(caseworker: User, colleague: User, other_office_caseworker: User) -> Cases:
    kouyate = register_case(
        caseworker,
        person_data(
            family_name="Kouyaté",
            given_name="Mariam Aïcha",
            id_document_number="GN123456",
            vulnerabilities=["pregnant"],
        ),
        registered_on=date(2025, 1, 10),
    )
    diallo = register_case(
        caseworker,
        person_data(family_name="Diallo", given_name="Mamadou", sex="M", nationality="SN"),
        child_data(family_name="Diallo", given_name="Ibrahima", nationality="CI"),
        registered_on=date(2025, 3, 15),
        assigned_to=colleague,
    )
    diallo = case_transition(actor=caseworker, case=diallo, to_status=CaseStatus.ASSISTING)
    traore = register_case(
        caseworker,
        person_data(
            family_name="Traoré",
            given_name="Awa",
            nationality="ML",
            travel_document_number="P998877",
        ),
        child_data(
            family_name="Traoré",
            given_name="Moussa",
            nationality="ML",
            vulnerabilities=["trafficking_victim"],
        ),
        registered_on=date(2025, 6, 1),
    )
    Case.objects.filter(pk=traore.pk).update(status=CaseStatus.WITHDRAWN)
    # The same name in another office: never in the Rabat caseworker's list.
    oujda = register_case(
        other_office_caseworker,
        person_data(family_name="Kouyate", given_name="Mariam", id_document_number="GN654321"),
        registered_on=date(2025, 2, 1),
    )
    return {"kouyate": kouyate, "diallo": diallo, "traore": traore, "oujda": oujda}


def case_filter(user: User, data: QueryDict | dict[str, Any]) -> CaseFilter:
    request = RequestFactory().get("/cases/")
    request.user = user
    return CaseFilter(data, queryset=access.cases_for(user), request=request)


def found(user: User, data: QueryDict | dict[str, Any], cases: Cases) -> set[str]:
    filterset = case_filter(user, data)
    assert filterset.is_valid(), filterset.errors
    result: QuerySet[Case] = filterset.qs
    by_pk = {case.pk: name for name, case in cases.items()}
    return {by_pk[case.pk] for case in result}


# Search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kouyaté", {"kouyate"}),
        ("kouyate", {"kouyate"}),
        ("KOUYATE", {"kouyate"}),
        ("kouy", {"kouyate"}),
        ("aicha kouy", {"kouyate"}),
        ("Aïcha   MARIAM  Kouyaté", {"kouyate"}),
        ("mar ai", {"kouyate"}),
        ("traore", {"traore"}),
        ("Traoré Awa", {"traore"}),
        # Any person of the household is found.
        ("ibrahima", {"diallo"}),
        ("moussa traore", {"traore"}),
        # All the words must be in one person's names.
        ("mamadou ibrahima", set()),
        ("mariam diallo", set()),
        ("dia", {"diallo"}),
        ("inconnu", set()),
        ("", {"kouyate", "diallo", "traore"}),
        ("   ", {"kouyate", "diallo", "traore"}),
    ],
)
def test_search_by_name(caseworker: User, cases: Cases, query: str, expected: set[str]) -> None:
    assert found(caseworker, {"q": query}, cases) == expected


def test_search_by_case_number(caseworker: User, cases: Cases) -> None:
    number = cases["diallo"].number
    assert number == "MA-RBA-2025-000002"
    assert found(caseworker, {"q": number}, cases) == {"diallo"}
    assert found(caseworker, {"q": f"  {number.lower()} "}, cases) == {"diallo"}
    assert found(caseworker, {"q": "MA-RBA-2025-000009"}, cases) == set()


def test_search_by_case_number_stays_within_reach(caseworker: User, cases: Cases) -> None:
    assert found(caseworker, {"q": cases["oujda"].number}, cases) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("GN123456", {"kouyate"}),
        ("gn123456", {"kouyate"}),
        (" gn123456 ", {"kouyate"}),
        ("P998877", {"traore"}),
        ("p998877", {"traore"}),
        # Another office's person is never found.
        ("GN654321", set()),
        # Document numbers are matched whole.
        ("GN1234", set()),
    ],
)
def test_search_by_document_number(
    caseworker: User, cases: Cases, query: str, expected: set[str]
) -> None:
    assert found(caseworker, {"q": query}, cases) == expected


def test_admin_search_spans_offices(admin_user: User, cases: Cases) -> None:
    assert found(admin_user, {"q": "mariam kouyate"}, cases) == {"kouyate", "oujda"}


# Filters ------------------------------------------------------------------------------


def test_filter_by_one_status(caseworker: User, cases: Cases) -> None:
    assert found(caseworker, {"status": ["assisting"]}, cases) == {"diallo"}


def test_filter_by_several_statuses(caseworker: User, cases: Cases) -> None:
    data = QueryDict("status=registered&status=withdrawn")
    assert found(caseworker, data, cases) == {"kouyate", "traore"}


def test_unknown_status_is_refused(caseworker: User, cases: Cases) -> None:
    filterset = case_filter(caseworker, QueryDict("status=flying"))
    assert not filterset.is_valid()
    assert "status" in filterset.errors


@pytest.mark.parametrize(
    ("nationality", "expected"),
    [
        ("GN", {"kouyate"}),
        ("SN", {"diallo"}),
        # The child's nationality counts too.
        ("CI", {"diallo"}),
        ("ML", {"traore"}),
        ("NG", set()),
    ],
)
def test_filter_by_nationality(
    caseworker: User, cases: Cases, nationality: str, expected: set[str]
) -> None:
    assert found(caseworker, {"nationality": nationality}, cases) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("pregnant", {"kouyate"}),
        ("trafficking_victim", {"traore"}),
        ("disability", set()),
    ],
)
def test_filter_by_vulnerability(
    caseworker: User, cases: Cases, code: str, expected: set[str]
) -> None:
    assert found(caseworker, {"vulnerability": code}, cases) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ({"registered_after": "2025-03-15"}, {"diallo", "traore"}),
        ({"registered_after": "2025-03-16"}, {"traore"}),
        ({"registered_before": "2025-03-15"}, {"kouyate", "diallo"}),
        ({"registered_before": "2025-03-14"}, {"kouyate"}),
        ({"registered_after": "2025-02-01", "registered_before": "2025-05-31"}, {"diallo"}),
        ({"registered_after": "2026-01-01"}, set()),
    ],
)
def test_filter_by_registration_period(
    caseworker: User, cases: Cases, period: dict[str, str], expected: set[str]
) -> None:
    assert found(caseworker, period, cases) == expected


def test_filter_mine(caseworker: User, colleague: User, cases: Cases) -> None:
    assert found(caseworker, {"mine": "true"}, cases) == {"kouyate", "traore"}
    assert found(colleague, {"mine": "true"}, cases) == {"diallo"}
    assert found(caseworker, {"mine": "false"}, cases) == {"kouyate", "diallo", "traore"}


def test_filter_by_assigned_caseworker(caseworker: User, colleague: User, cases: Cases) -> None:
    assert found(caseworker, {"assigned_to": colleague.pk}, cases) == {"diallo"}
    assert found(caseworker, {"assigned_to": caseworker.pk}, cases) == {"kouyate", "traore"}


def test_filters_combine(caseworker: User, cases: Cases) -> None:
    data = QueryDict("status=registered&status=withdrawn&nationality=ML&q=awa")
    assert found(caseworker, data, cases) == {"traore"}
    data = QueryDict("status=registered&nationality=ML")
    assert found(caseworker, data, cases) == set()


def test_admin_filters_by_office(
    admin_user: User, office_oujda: Organisation, office_rabat: Organisation, cases: Cases
) -> None:
    assert found(admin_user, {"office": office_oujda.pk}, cases) == {"oujda"}
    assert found(admin_user, {"office": office_rabat.pk}, cases) == {
        "kouyate",
        "diallo",
        "traore",
    }


# Choices offered ----------------------------------------------------------------------


def test_office_choices_are_the_users_own_office(
    caseworker: User,
    office_rabat: Organisation,
    office_oujda: Organisation,
    ngo: Organisation,
    cases: Cases,
) -> None:
    filterset = case_filter(caseworker, {})
    assert list(filterset.form.fields["office"].queryset) == [office_rabat]
    refused = case_filter(caseworker, {"office": "Oujda"})
    assert not refused.is_valid()
    assert "office" in refused.errors


@pytest.mark.parametrize("field", ["office", "assigned_to"])
def test_an_office_or_caseworker_out_of_reach_matches_nothing(
    supervisor: User,
    office_oujda: Organisation,
    other_office_caseworker: User,
    cases: Cases,
    field: str,
) -> None:
    """Whether it exists elsewhere or not at all: an answer, the same one, not an error."""
    elsewhere = {"office": office_oujda.pk, "assigned_to": other_office_caseworker.pk}[field]
    for value in (elsewhere, 0, -7, 10**30):
        assert found(supervisor, {field: value}, cases) == set()


def test_admin_office_choices_are_all_iom_offices(
    admin_user: User,
    office_rabat: Organisation,
    office_oujda: Organisation,
    ngo: Organisation,
    mission_guinea: Organisation,
) -> None:
    filterset = case_filter(admin_user, {})
    assert set(filterset.form.fields["office"].queryset) == {office_rabat, office_oujda}


def test_assigned_to_choices_are_the_users_colleagues(
    caseworker: User,
    supervisor: User,
    colleague: User,
    admin_user: User,
    other_office_caseworker: User,
    office_rabat: Organisation,
    cases: Cases,
) -> None:
    UserFactory.create(
        username="caseworker.gone", role=Role.CASEWORKER, organisation=office_rabat, is_active=False
    )
    filterset = case_filter(caseworker, {})
    assert set(filterset.form.fields["assigned_to"].queryset) == {
        caseworker,
        supervisor,
        colleague,
    }
    # Another office's caseworker is out of reach: nothing matches (see below).
    assert found(caseworker, {"assigned_to": other_office_caseworker.pk}, cases) == set()
    refused = case_filter(caseworker, {"assigned_to": "caseworker.oujda"})
    assert not refused.is_valid()
    assert "assigned_to" in refused.errors


@pytest.mark.parametrize(
    "fixture", ["ministry_focal_point", "ngo_referrer", "reintegration_officer"]
)
def test_no_office_nor_colleague_filters_outside_iom_offices(
    request: pytest.FixtureRequest, fixture: str, caseworker: User, office_rabat: Organisation
) -> None:
    user: User = request.getfixturevalue(fixture)
    filterset = case_filter(user, {})
    # Not even an empty choice: the filters are not there.
    assert {"office", "assigned_to", "mine"}.isdisjoint(filterset.form.fields)


@pytest.mark.parametrize(
    ("fixture", "offered"),
    [
        ("caseworker", {"office", "assigned_to", "mine"}),
        ("supervisor", {"office", "assigned_to", "mine"}),
        # Admins are assigned no case: "my cases" would always be empty.
        ("admin_user", {"office", "assigned_to"}),
        ("reintegration_officer", set()),
    ],
)
def test_office_and_caseworker_filters_depend_on_the_user(
    request: pytest.FixtureRequest, fixture: str, offered: set[str]
) -> None:
    user: User = request.getfixturevalue(fixture)
    assert {"office", "assigned_to", "mine"} & set(case_filter(user, {}).form.fields) == offered


def test_reintegration_officer_is_not_refused_for_filters_not_offered(
    reintegration_officer: User, caseworker: User, office_rabat: Organisation
) -> None:
    data = {"office": office_rabat.pk, "assigned_to": caseworker.pk, "mine": "true"}
    filterset = case_filter(reintegration_officer, data)
    assert filterset.is_valid(), filterset.errors


def test_api_ignores_filters_not_offered_to_the_user(
    client: Client, reintegration_officer: User, caseworker: User, office_rabat: Organisation
) -> None:
    client.force_login(reintegration_officer)
    response = client.get(
        "/api/v1/cases/", {"office": office_rabat.pk, "assigned_to": caseworker.pk}
    )
    assert response.status_code == 200, response.content


# Empty values ---------------------------------------------------------------------------

EVERY_FILTER = [
    "q",
    "status",
    "office",
    "assigned_to",
    "mine",
    "nationality",
    "vulnerability",
    "registered_after",
    "registered_before",
    "ordering",
]


def test_an_empty_status_means_any(caseworker: User, cases: Cases) -> None:
    assert found(caseworker, QueryDict("status="), cases) == {"kouyate", "diallo", "traore"}
    assert found(caseworker, QueryDict("status=&q=kouyate"), cases) == {"kouyate"}
    assert found(caseworker, QueryDict("status=&status=assisting"), cases) == {"diallo"}


def test_a_search_with_every_status_shows_no_invalid_filter(
    client: Client, caseworker: User, cases: Cases
) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("cases:list"), {"q": "kouyate", "status": ""})
    assert "Certains filtres sont invalides" not in response.content.decode()
    assert [case.pk for case in response.context["page"]] == [cases["kouyate"].pk]


@pytest.mark.parametrize("fixture", ["caseworker", "admin_user", "reintegration_officer"])
def test_every_filter_left_empty_means_any(
    request: pytest.FixtureRequest, client: Client, fixture: str, cases: Cases
) -> None:
    user: User = request.getfixturevalue(fixture)
    expected = access.cases_for(user).count()
    client.force_login(user)
    empty = dict.fromkeys([*EVERY_FILTER, "page"], "")
    response = client.get(reverse("cases:list"), empty)
    assert "Certains filtres sont invalides" not in response.content.decode()
    assert response.context["page"].paginator.count == expected
    one_by_one = [client.get("/api/v1/cases/", {name: ""}) for name in EVERY_FILTER]
    assert [answer.status_code for answer in one_by_one] == [200] * len(EVERY_FILTER)
    api = client.get("/api/v1/cases/", dict.fromkeys(EVERY_FILTER, ""))
    assert api.status_code == 200, api.content
    assert api.json()["count"] == expected


def test_ordering_by_number(caseworker: User, cases: Cases) -> None:
    filterset = case_filter(caseworker, {"ordering": "number"})
    assert filterset.is_valid()
    assert [case.number for case in filterset.qs] == [
        "MA-RBA-2025-000001",
        "MA-RBA-2025-000002",
        "MA-RBA-2025-000003",
    ]


def test_case_number_without_leading_zeros(caseworker: User) -> None:
    case = register_case(caseworker, registered_on=date(2026, 2, 1))
    request = RequestFactory().get("/")
    request.user = caseworker
    found = CaseFilter(
        {"q": "ma-rba-2026-1"}, queryset=access.cases_for(caseworker), request=request
    ).qs
    assert list(found) == [case]


# Nationality ----------------------------------------------------------------------------


def test_western_sahara_is_not_a_nationality_to_filter_by(caseworker: User) -> None:
    filterset = case_filter(caseworker, {"nationality": "EH"})
    assert not filterset.is_valid()
    assert filterset.errors["nationality"] == ["Pays inconnu : EH."]


def test_nationality_filter_offers_the_main_nationalities_first(
    client: Client, caseworker: User
) -> None:
    client.force_login(caseworker)
    page = client.get(reverse("cases:list"), {"nationality": "SN"}).content.decode()
    start = page.index('name="nationality"')
    select = page[start : page.index("</select>", start)]
    main, others = select.split('<optgroup label="Autres pays">')
    assert re.search(r'<option value="">Toutes</option>\s*<optgroup label="Principales nat', main)
    assert '<option value="SN" selected>Sénégal</option>' in main
    assert '<option value="MA">Maroc</option>' in others
    assert 'value="SN"' not in others
    assert "Sahara occidental" not in page
