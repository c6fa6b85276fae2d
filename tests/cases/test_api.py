"""The cases REST API: happy paths, who sees what, errors, query counts and the schema."""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from pytest_django import Settings
from rest_framework.test import APIClient

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from cases import services
from cases.models import (
    Assistance,
    AssistanceKind,
    Case,
    CaseStatus,
    JusticeDecision,
    Person,
    Priority,
    Vulnerability,
)
from tests.factories import UserFactory, child_data, pdf_upload, person_data, register_case

# Every list endpoint: a user who may not see the case gets an empty page.
LIST_URLS = {
    "cases-list": "/api/v1/cases/",
    "people-list": "/api/v1/people/",
    "people-of-case": "/api/v1/people/?case={case}",
    "assistance-list": "/api/v1/assistance/",
    "assistance-of-case": "/api/v1/assistance/?case={case}",
}

# Every endpoint on one case or person: a user who may not see it gets 404.
OBJECT_ENDPOINTS = [
    "case-detail",
    "case-update",
    "case-transition",
    "case-assign",
    "case-add-person",
    "person-detail",
    "person-update",
    "assistance-create",
]

# What a missing record and a record the user may not see both answer.
NOT_FOUND = {"detail": "Non trouvé."}


def _today() -> str:
    return timezone.localdate().isoformat()


def _new_person_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "relationship": "child",
        "family_name": "Camara",
        "given_name": "Aïssatou",
        "sex": "F",
        "nationality": "GN",
        "birth_year": 2020,
    }
    payload.update(overrides)
    return payload


def _call(
    client: APIClient, endpoint: str, case: Case, person: Person, assignee: User
) -> tuple[int, Any]:
    """Call one endpoint on `case` (or its principal `person`) with a valid body."""
    case_url = f"/api/v1/cases/{case.pk}/"
    person_url = f"/api/v1/people/{person.pk}/"
    requests: dict[str, tuple[str, str, dict[str, Any] | None]] = {
        "case-detail": ("get", case_url, None),
        "case-update": ("patch", case_url, {"version": case.version, "priority": Priority.HIGH}),
        "case-transition": ("post", f"{case_url}transitions/", {"to_status": "assisting"}),
        "case-assign": ("post", f"{case_url}assign/", {"assigned_to": assignee.pk}),
        "case-add-person": ("post", f"{case_url}people/", _new_person_payload()),
        "person-detail": ("get", person_url, None),
        "person-update": ("patch", person_url, {"version": person.version, "phone": "0600"}),
        "assistance-create": (
            "post",
            "/api/v1/assistance/",
            {"person": person.pk, "kind": AssistanceKind.FOOD_KIT, "given_on": _today()},
        ),
    }
    method, url, body = requests[endpoint]
    response = getattr(client, method)(url, body, format="json")
    return response.status_code, response.json()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def case(caseworker: User) -> Case:
    """A Rabat case: a mother with her son, who has a vulnerability."""
    return register_case(
        caseworker,
        person_data(vulnerabilities=["single_parent"]),
        child_data(vulnerabilities=["medical_condition"]),
    )


@pytest.fixture
def principal(case: Case) -> Person:
    return case.people.get(relationship="principal")


@pytest.fixture
def colleague(office_rabat: Organisation) -> User:
    return UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )


def _signed_in(client: APIClient, user: User) -> APIClient:
    client.force_authenticate(user)
    return client


def _unchanged(case: Case, people: int = 2) -> None:
    """Nothing of the case was written."""
    case.refresh_from_db()
    assert case.version == 1
    assert case.status == CaseStatus.REGISTERED
    assert case.priority == Priority.NORMAL
    assert case.people.count() == people
    assert not case.people.exclude(phone="").exists()
    assert not Assistance.objects.filter(case=case).exists()


# Cases -------------------------------------------------------------------------------


def test_list_rows(api_client: APIClient, caseworker: User, case: Case) -> None:
    response = _signed_in(api_client, caseworker).get("/api/v1/cases/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row == {
        "id": case.pk,
        "number": case.number,
        "status": "registered",
        "priority": Priority.NORMAL,
        "registered_on": case.registered_on.isoformat(),
        "office": case.office_id,
        "office_code": "RBA",
        "assigned_to": caseworker.pk,
        "assigned_to_username": "caseworker",
        "principal_applicant": {
            "id": case.people.get(relationship="principal").pk,
            "family_name": "Camara",
            "given_name": "Mariama",
            "sex": "F",
            "nationality": "GN",
        },
        "household_size": 2,
    }


def test_list_uses_the_case_filter(api_client: APIClient, caseworker: User, case: Case) -> None:
    other = register_case(caseworker, person_data(family_name="Diallo", given_name="Oumar"))
    services.case_transition(actor=caseworker, case=other, to_status=CaseStatus.ASSISTING)
    client = _signed_in(api_client, caseworker)

    def numbers(query: str) -> list[str]:
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200
        return [row["number"] for row in response.json()["results"]]

    assert numbers("q=diallo") == [other.number]
    assert numbers("status=assisting") == [other.number]
    assert numbers("vulnerability=medical_condition") == [case.number]
    assert numbers("ordering=number") == sorted([case.number, other.number])
    assert numbers("mine=true") == [other.number, case.number]


def test_list_query_count_does_not_grow_with_rows(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    client = _signed_in(api_client, caseworker)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/cases/")
        assert response.status_code == 200
        return len(queries)

    with_one = count_queries()
    for number in range(49):
        register_case(
            caseworker,
            person_data(given_name=f"Personne {number}"),
            child_data(given_name=f"Enfant {number}"),
        )
    with_fifty = count_queries()
    assert len(client.get("/api/v1/cases/").json()["results"]) == 50
    # count, page of cases (with office, caseworker and household size), principals.
    assert with_one == with_fifty == 3


def _count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_other_lists_and_detail_query_counts_do_not_grow_with_rows(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    client = _signed_in(api_client, caseworker)
    urls = ["/api/v1/people/", "/api/v1/assistance/", f"/api/v1/cases/{case.pk}/"]

    def record_assistance() -> None:
        for person in case.people.all():
            services.assistance_record(
                actor=caseworker,
                person=person,
                kind=AssistanceKind.FOOD_KIT,
                given_on=timezone.localdate(),
                provider=caseworker.organisation,
            )

    record_assistance()
    with_few = [_count_queries(client, url) for url in urls]
    for number in range(5):
        client.post(
            f"/api/v1/cases/{case.pk}/people/",
            _new_person_payload(given_name=f"Enfant {number}", vulnerabilities=["disability"]),
            format="json",
        )
        register_case(caseworker, person_data(given_name=f"Personne {number}"))
        record_assistance()
    assert case.people.count() == 7
    assert [_count_queries(client, url) for url in urls] == with_few
    # people: count, page, vulnerabilities; assistance: count, page with providers; case:
    # the case and the prefetches of selectors.case_detail (link requests to other offices
    # included), then the traced view.
    assert with_few == [3, 2, 9]


def test_register_case_for_a_colleague(
    api_client: APIClient, caseworker: User, colleague: User, other_office_caseworker: User
) -> None:
    client = _signed_in(api_client, caseworker)
    payload: dict[str, Any] = {"people": [_new_person_payload(relationship="principal")]}
    response = client.post(
        "/api/v1/cases/", payload | {"assigned_to": other_office_caseworker.pk}, format="json"
    )
    assert response.status_code == 400
    assert "assigned_to" in response.json()
    assert not Case.objects.exists()
    response = client.post("/api/v1/cases/", payload | {"assigned_to": colleague.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["assigned_to_username"] == "caseworker.two"


def test_register_case_with_family(api_client: APIClient, caseworker: User) -> None:
    payload = {
        "priority": Priority.HIGH,
        "referral_source": "walk_in",
        "people": [
            {
                "family_name": " Kouyaté ",
                "given_name": "Mariam",
                "sex": "F",
                "nationality": "ml",
                "birth_date": "1990-05-04",
                "phone": "+212600000000",
                "vulnerabilities": ["single_parent"],
            },
            _new_person_payload(
                family_name="Kouyaté", given_name="Sory", sex="M", birth_year=None, age=6
            ),
        ],
    }
    response = _signed_in(api_client, caseworker).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number
    assert body["office_code"] == "RBA"
    assert body["assigned_to_username"] == "caseworker"
    assert body["priority"] == Priority.HIGH
    mother, son = body["people"]
    assert mother["family_name"] == "Kouyaté"
    assert mother["nationality"] == mother["country_of_return"] == "ML"
    assert mother["vulnerabilities"] == ["single_parent"]
    assert son["birth_date_precision"] == "year"
    assert Person.objects.get(pk=son["id"]).age_on(case.registered_on) == 6
    assert case.people.count() == 2
    assert Vulnerability.objects.filter(person__case=case).count() == 1


def test_register_refused_by_the_service_saves_nothing(
    api_client: APIClient, caseworker: User
) -> None:
    payload = {
        "people": [
            {"family_name": "A", "given_name": "B", "sex": "M", "nationality": "GN", "age": 30},
            {"family_name": "C", "given_name": "D", "sex": "F", "nationality": "GN", "age": 28},
        ]
    }
    response = _signed_in(api_client, caseworker).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Un dossier a exactement un·e demandeur·se principal·e."]
    }
    assert not Case.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"given_name": "B", "sex": "M", "nationality": "GN", "age": 30}, "family_name"),
        ({"family_name": "A", "given_name": "B", "sex": "M", "nationality": "XX"}, "nationality"),
        (
            {"family_name": "A", "given_name": "B", "sex": "M", "nationality": "GN", "age": 3}
            | {"vulnerabilities": ["not_a_code"]},
            "vulnerabilities",
        ),
    ],
)
def test_register_with_invalid_person_saves_nothing(
    api_client: APIClient, caseworker: User, person: dict[str, Any], field: str
) -> None:
    client = _signed_in(api_client, caseworker)
    response = client.post("/api/v1/cases/", {"people": [person]}, format="json")
    assert response.status_code == 400
    # DRF gives the errors of a nested list by position.
    assert field in response.json()["people"]["0"]
    assert not Case.objects.exists()


def test_register_without_people_is_refused(api_client: APIClient, caseworker: User) -> None:
    response = _signed_in(api_client, caseworker).post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 400
    assert "people" in response.json()


def test_other_office_caseworker_registers_in_their_own_office(
    api_client: APIClient, other_office_caseworker: User
) -> None:
    payload = {"people": [_new_person_payload(relationship="principal", birth_year=1980)]}
    client = _signed_in(api_client, other_office_caseworker)
    response = client.post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["office_code"] == "OUJ"


def test_case_detail(
    api_client: APIClient, caseworker: User, case: Case, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    principal = case.people.get(relationship="principal")
    services.assistance_record(
        actor=caseworker,
        person=principal,
        kind=AssistanceKind.PURCHASE_VOUCHER,
        given_on=timezone.localdate(),
        value=Decimal("250"),
        currency="mad",
    )
    services.counselling_record(
        actor=caseworker, case=case, held_on=timezone.localdate(), topics="Retour"
    )
    services.declaration_record(
        actor=caseworker,
        case=case,
        signatory=principal,
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
    )
    services.sensitive_note_add(actor=caseworker, case=case, kind="medical", text="Diabète")

    response = _signed_in(api_client, caseworker).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == case.number
    assert body["status"] == "registered"
    assert [person["vulnerabilities"] for person in body["people"]] == [
        ["single_parent"],
        ["medical_condition"],
    ]
    (assistance,) = body["assistance"]
    assert assistance["value"] == "250.00"
    assert assistance["currency"] == "MAD"
    assert assistance["person"] == principal.pk
    (session,) = body["counselling_sessions"]
    assert session["topics"] == "Retour"
    assert session["counsellor_username"] == "caseworker"
    (declaration,) = body["declarations"]
    assert declaration["signatory"] == principal.pk
    assert "scan" not in declaration
    assert "/media/" not in response.content.decode()
    # Sensitive notes and attachments are not exposed by the API.
    assert "Diabète" not in response.content.decode()
    assert "sensitive_notes" not in body
    assert "attachments" not in body
    assert body["next_steps"] == [
        {
            "to_status": "assisting",
            "to_status_label": "En assistance",
            "allowed": True,
            "missing": [],
        },
        {
            "to_status": "withdrawn",
            "to_status_label": "Désisté",
            "allowed": True,
            "missing": [],
        },
    ]
    assert AuditEvent.objects.filter(
        action="case.view", actor=caseworker, target_id=str(case.pk)
    ).exists()


def test_next_steps_say_what_is_missing(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    services.case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    body = _signed_in(api_client, caseworker).get(f"/api/v1/cases/{case.pk}/").json()
    ready = next(step for step in body["next_steps"] if step["to_status"] == "ready")
    assert ready["allowed"] is False
    assert ready["missing"] == ["La déclaration de retour volontaire signée n'est pas enregistrée."]


def test_update_case(api_client: APIClient, caseworker: User, case: Case) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": 1, "priority": Priority.URGENT, "justice_reference": "REF-1"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["priority"] == Priority.URGENT
    assert response.json()["version"] == 2
    case.refresh_from_db()
    assert (case.priority, case.justice_reference, case.version) == (Priority.URGENT, "REF-1", 2)


def test_update_case_with_a_stale_version_is_a_conflict(
    api_client: APIClient, caseworker: User, supervisor: User, case: Case
) -> None:
    services.case_update(
        actor=supervisor, case=case, expected_version=1, changes={"priority": Priority.HIGH}
    )
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/", {"version": 1, "priority": Priority.URGENT}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Quelqu'un d'autre a modifié cette fiche entre-temps."
    assert body["current"]["version"] == 2
    assert body["current"]["priority"] == Priority.HIGH
    case.refresh_from_db()
    assert case.priority == Priority.HIGH


def test_update_case_needs_the_version(api_client: APIClient, caseworker: User, case: Case) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/", {"priority": Priority.URGENT}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    _unchanged(case)


def test_update_case_refused_by_the_service_saves_nothing(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/",
        {
            "version": 1,
            "priority": Priority.URGENT,
            "justice_decision": JusticeDecision.RETURN_AUTHORISED,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["La décision du ministère de la Justice doit être datée."]
    }
    _unchanged(case)


def test_transition(api_client: APIClient, caseworker: User, case: Case) -> None:
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/transitions/", {"to_status": "assisting"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "assisting"
    assert response.json()["assistance_started_on"] == _today()
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSISTING


def test_refused_transition_says_what_is_missing(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    services.case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/transitions/", {"to_status": "ready"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["La déclaration de retour volontaire signée n'est pas enregistrée."]
    }
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSISTING


def test_withdrawal_needs_a_reason(api_client: APIClient, caseworker: User, case: Case) -> None:
    client = _signed_in(api_client, caseworker)
    url = f"/api/v1/cases/{case.pk}/transitions/"
    response = client.post(url, {"to_status": "withdrawn"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Indiquez le motif du désistement."]}
    _unchanged(case)
    response = client.post(
        url, {"to_status": "withdrawn", "reason": "Reste au Maroc"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["withdrawal_reason"] == "Reste au Maroc"


@pytest.mark.parametrize("to_status", ["registered", "nowhere"])
def test_transition_to_a_status_no_case_can_reach_is_refused(
    api_client: APIClient, caseworker: User, case: Case, to_status: str
) -> None:
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/transitions/", {"to_status": to_status}, format="json"
    )
    assert response.status_code == 400
    assert "to_status" in response.json()


def test_supervisor_reassigns(
    api_client: APIClient, supervisor: User, colleague: User, case: Case
) -> None:
    response = _signed_in(api_client, supervisor).post(
        f"/api/v1/cases/{case.pk}/assign/", {"assigned_to": colleague.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["assigned_to_username"] == "caseworker.two"
    case.refresh_from_db()
    assert case.assigned_to == colleague


def test_caseworker_may_not_reassign(
    api_client: APIClient, caseworker: User, colleague: User, case: Case
) -> None:
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/assign/", {"assigned_to": colleague.pk}, format="json"
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assigned_to == caseworker


def test_reassign_to_someone_of_another_office_is_refused(
    api_client: APIClient,
    supervisor: User,
    caseworker: User,
    other_office_caseworker: User,
    case: Case,
) -> None:
    response = _signed_in(api_client, supervisor).post(
        f"/api/v1/cases/{case.pk}/assign/",
        {"assigned_to": other_office_caseworker.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "assigned_to" in response.json()
    case.refresh_from_db()
    assert case.assigned_to_id == caseworker.pk


def test_admin_reassign_checked_by_the_service(
    api_client: APIClient, admin_user: User, other_office_caseworker: User, case: Case
) -> None:
    # An administrator may name anyone, and the service refuses staff of another office.
    response = _signed_in(api_client, admin_user).post(
        f"/api/v1/cases/{case.pk}/assign/",
        {"assigned_to": other_office_caseworker.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Cette personne ne travaille pas dans le bureau du dossier."]
    }


# People ------------------------------------------------------------------------------


def test_people_of_a_case(api_client: APIClient, caseworker: User, case: Case) -> None:
    register_case(caseworker, person_data(family_name="Diallo"))
    client = _signed_in(api_client, caseworker)
    response = client.get(f"/api/v1/people/?case={case.pk}")
    assert response.status_code == 200
    assert [person["given_name"] for person in response.json()["results"]] == [
        "Mariama",
        "Ibrahima",
    ]
    assert client.get("/api/v1/people/").json()["count"] == 3


def test_person_detail(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    response = _signed_in(api_client, caseworker).get(f"/api/v1/people/{principal.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == principal.pk
    assert body["case"] == case.pk
    assert body["relationship"] == "principal"
    assert body["vulnerabilities"] == ["single_parent"]
    assert body["version"] == 1


def test_update_person(api_client: APIClient, caseworker: User, principal: Person) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/people/{principal.pk}/",
        {"version": 1, "family_name": "Bah", "country_of_return": "sn"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["family_name"] == "Bah"
    assert response.json()["country_of_return"] == "SN"
    assert response.json()["version"] == 2
    principal.refresh_from_db()
    assert principal.name_key == "bah mariama"


def test_update_person_with_a_stale_version_is_a_conflict(
    api_client: APIClient, caseworker: User, supervisor: User, case: Case, principal: Person
) -> None:
    services.person_update(
        actor=supervisor, person=principal, expected_version=1, changes={"phone": "0611"}
    )
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/people/{principal.pk}/", {"version": 1, "phone": "0622"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    assert response.json()["current"]["phone"] == "0611"
    principal.refresh_from_db()
    assert principal.phone == "0611"


def test_update_person_needs_the_version(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/people/{principal.pk}/", {"phone": "0600"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    _unchanged(case)


def test_update_person_with_invalid_data_saves_nothing(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/people/{principal.pk}/",
        {"version": 1, "phone": "0600", "sex": "X"},
        format="json",
    )
    assert response.status_code == 400
    assert "sex" in response.json()
    _unchanged(case)


def test_add_person(api_client: APIClient, caseworker: User, case: Case) -> None:
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/people/",
        _new_person_payload(vulnerabilities=["disability"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"] == case.pk
    assert body["vulnerabilities"] == ["disability"]
    assert body["birth_date"] == "2020-07-01"
    assert case.people.count() == 3


def test_add_a_second_principal_is_refused(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    response = _signed_in(api_client, caseworker).post(
        f"/api/v1/cases/{case.pk}/people/",
        _new_person_payload(relationship="principal", birth_year=1970),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Un dossier a exactement un·e demandeur·se principal·e."]
    }
    _unchanged(case)


# Assistance --------------------------------------------------------------------------


def test_record_assistance(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    response = _signed_in(api_client, caseworker).post(
        "/api/v1/assistance/",
        {
            "person": principal.pk,
            "kind": AssistanceKind.PURCHASE_VOUCHER,
            "given_on": _today(),
            "value": "250.50",
            "currency": "mad",
            "note": " Bon Marjane ",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"] == case.pk
    assert body["value"] == "250.50"
    assert body["currency"] == "MAD"
    assert body["note"] == "Bon Marjane"
    assert body["recorded_by"] == caseworker.pk
    assistance = Assistance.objects.get(pk=body["id"])
    assert assistance.value == Decimal("250.50")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"value": "10.00", "currency": "dirhams"},
            None,  # refused by the serializer: at most 3 characters
        ),
        (
            {"value": "10.00", "currency": "M4D"},
            "« M4D » n'est pas le code ISO 4217 d'une devise en usage (ex. MAD).",
        ),
        (
            {"value": "10.00", "currency": "XYZ"},
            "« XYZ » n'est pas le code ISO 4217 d'une devise en usage (ex. MAD).",
        ),
        (
            {"value": "10.00", "currency": ""},
            "Une valeur doit être positive et avoir une devise ISO 4217 (ex. MAD).",
        ),
        (
            {"given_on": "in two days"},
            "La date de l'assistance est dans le futur.",
        ),
    ],
)
def test_invalid_assistance_saves_nothing(
    api_client: APIClient,
    caseworker: User,
    case: Case,
    principal: Person,
    body: dict[str, str],
    message: str | None,
) -> None:
    payload = {"person": principal.pk, "kind": AssistanceKind.FOOD_KIT, "given_on": _today()}
    if body.get("given_on") == "in two days":
        body = {"given_on": (timezone.localdate() + timedelta(days=2)).isoformat()}
    response = _signed_in(api_client, caseworker).post(
        "/api/v1/assistance/", payload | body, format="json"
    )
    assert response.status_code == 400
    if message is not None:
        assert response.json() == {"non_field_errors": [message]}
    _unchanged(case)


def test_assistance_list_and_filters(
    api_client: APIClient, caseworker: User, case: Case, principal: Person
) -> None:
    child = case.people.get(relationship="child")
    today = timezone.localdate()
    old = services.assistance_record(
        actor=caseworker,
        person=principal,
        kind=AssistanceKind.FOOD_KIT,
        given_on=today - timedelta(days=10),
    )
    recent = services.assistance_record(
        actor=caseworker, person=child, kind=AssistanceKind.HYGIENE_KIT, given_on=today
    )
    other_case = register_case(caseworker, person_data(family_name="Diallo"))
    elsewhere = services.assistance_record(
        actor=caseworker,
        person=other_case.people.get(),
        kind=AssistanceKind.FOOD_KIT,
        given_on=today,
    )
    client = _signed_in(api_client, caseworker)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/assistance/?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [elsewhere.pk, recent.pk, old.pk]
    assert ids(f"case={case.pk}") == [recent.pk, old.pk]
    assert ids(f"person={principal.pk}") == [old.pk]
    assert ids("kind=food_kit") == [elsewhere.pk, old.pk]
    assert ids(f"given_after={today.isoformat()}") == [elsewhere.pk, recent.pk]
    assert ids(f"given_before={(today - timedelta(days=1)).isoformat()}") == [old.pk]


# Who sees what -----------------------------------------------------------------------

OUTSIDERS = [
    "other_office_caseworker",
    "ministry_focal_point",
    "ngo_referrer",
    "reintegration_officer",
]


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("list_name", list(LIST_URLS))
def test_outsiders_get_empty_lists(
    api_client: APIClient,
    case: Case,
    principal: Person,
    caseworker: User,
    outsider: str,
    list_name: str,
    request: pytest.FixtureRequest,
) -> None:
    services.assistance_record(
        actor=caseworker, person=principal, kind="food_kit", given_on=timezone.localdate()
    )
    client = _signed_in(api_client, request.getfixturevalue(outsider))
    response = client.get(LIST_URLS[list_name].format(case=case.pk))
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
def test_outsiders_get_404_and_change_nothing(
    api_client: APIClient,
    case: Case,
    principal: Person,
    caseworker: User,
    outsider: str,
    endpoint: str,
    request: pytest.FixtureRequest,
) -> None:
    client = _signed_in(api_client, request.getfixturevalue(outsider))
    status_code, body = _call(client, endpoint, case, principal, caseworker)
    assert status_code == 404
    assert body == NOT_FOUND
    _unchanged(case)
    assert not AuditEvent.objects.filter(action="case.view").exists()


def test_not_found_is_the_same_as_not_visible(api_client: APIClient, caseworker: User) -> None:
    client = _signed_in(api_client, caseworker)
    for url in ["/api/v1/cases/999999/", "/api/v1/cases/abc/", "/api/v1/people/999999/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


@pytest.mark.parametrize("role_fixture", ["ministry_focal_point", "ngo_referrer"])
def test_ministry_and_ngo_cannot_register_cases(
    api_client: APIClient, role_fixture: str, request: pytest.FixtureRequest
) -> None:
    client = _signed_in(api_client, request.getfixturevalue(role_fixture))
    response = client.post(
        "/api/v1/cases/",
        {"people": [_new_person_payload(relationship="principal")]},
        format="json",
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
def test_reintegration_officer_sees_a_returned_case_but_changes_nothing(
    api_client: APIClient,
    case: Case,
    principal: Person,
    caseworker: User,
    reintegration_officer: User,
    endpoint: str,
) -> None:
    # Departure comes with a later phase: put the case there directly.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DEPARTED)
    case.refresh_from_db()
    status_code, _body = _call(
        _signed_in(api_client, reintegration_officer), endpoint, case, principal, caseworker
    )
    assert status_code == (200 if endpoint in {"case-detail", "person-detail"} else 403)
    case.refresh_from_db()
    assert (case.version, case.status, case.priority) == (1, "departed", Priority.NORMAL)
    assert case.people.count() == 2
    assert not Assistance.objects.exists()


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
def test_unauthenticated_gets_401_everywhere(
    api_client: APIClient, case: Case, principal: Person, caseworker: User, endpoint: str
) -> None:
    status_code, _body = _call(api_client, endpoint, case, principal, caseworker)
    assert status_code == 401
    _unchanged(case)


@pytest.mark.parametrize("list_name", list(LIST_URLS))
def test_unauthenticated_lists_get_401(api_client: APIClient, case: Case, list_name: str) -> None:
    assert api_client.get(LIST_URLS[list_name].format(case=case.pk)).status_code == 401


def test_unauthenticated_cannot_register(api_client: APIClient, db: None) -> None:
    payload = {"people": [_new_person_payload(relationship="principal")]}
    assert api_client.post("/api/v1/cases/", payload, format="json").status_code == 401
    assert not Case.objects.exists()


# Schema ------------------------------------------------------------------------------


def test_schema_documents_the_cases_api_without_warnings(
    api_client: APIClient, caseworker: User, tmp_path: Path
) -> None:
    GENERATOR_STATS.reset()
    response = _signed_in(api_client, caseworker).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    assert not GENERATOR_STATS, "drf-spectacular emitted warnings"
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/cases/": {"get", "post"},
        "/api/v1/cases/{id}/": {"get", "patch"},
        "/api/v1/cases/{id}/transitions/": {"post"},
        "/api/v1/cases/{id}/assign/": {"post"},
        "/api/v1/cases/{id}/people/": {"post"},
        "/api/v1/people/": {"get"},
        "/api/v1/people/{id}/": {"get", "patch"},
        "/api/v1/assistance/": {"get", "post"},
    }.items():
        assert set(paths[path]) - {"parameters"} == methods, path
        for operation in paths[path].values():
            assert operation["summary"]
    assert paths["/api/v1/cases/{id}/"]["patch"]["responses"]["409"]
    assert "SensitiveNote" not in schema["components"]["schemas"]
    assert "Attachment" not in schema["components"]["schemas"]

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


# Input accepted but it should not be (issue 8) ----------------------------------------


@pytest.mark.parametrize(
    ("organisation", "message"),
    [
        (None, "La personne est venue par une ONG partenaire : indiquez laquelle."),
        ("RBA", "« OIM Rabat » n'est pas une ONG partenaire."),
    ],
)
def test_register_from_an_ngo_needs_the_ngo(
    api_client: APIClient, caseworker: User, organisation: str | None, message: str
) -> None:
    payload = {
        "referral_source": "ngo",
        "referring_organisation": organisation,
        "people": [_new_person_payload(relationship="principal")],
    }
    response = _signed_in(api_client, caseworker).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"referring_organisation": [message]}
    assert not Case.objects.exists()


def test_register_with_the_reason_for_returning(
    api_client: APIClient, caseworker: User, ngo: Organisation
) -> None:
    payload = {
        "referral_source": "ngo",
        "referring_organisation": "NGO1",
        "return_reason": "Rejoindre sa famille.",
        "people": [_new_person_payload(relationship="principal")],
    }
    response = _signed_in(api_client, caseworker).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["referring_organisation"], body["return_reason"]) == (
        "NGO1",
        "Rejoindre sa famille.",
    )


def test_update_case_refuses_a_justice_decision_dated_2030(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/",
        {
            "version": 1,
            "justice_decision": JusticeDecision.RETURN_AUTHORISED,
            "justice_decision_on": "2030-01-15",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "justice_decision_on": [
            "La date de la décision du ministère de la Justice est dans le futur."
        ]
    }
    _unchanged(case)


def test_update_case_reason_for_returning(
    api_client: APIClient, caseworker: User, case: Case
) -> None:
    response = _signed_in(api_client, caseworker).patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": 1, "return_reason": "Rejoindre sa mère."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["return_reason"] == "Rejoindre sa mère."


def test_register_refuses_an_overlong_name_with_its_limit(
    api_client: APIClient, caseworker: User
) -> None:
    person = _new_person_payload(relationship="principal", family_name="A" * 5000)
    response = _signed_in(api_client, caseworker).post(
        "/api/v1/cases/", {"people": [person]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "people": {
            "0": {
                "family_name": ["Assurez-vous que ce champ comporte au plus 100\u00a0caractères."]
            }
        }
    }
    assert not Case.objects.exists()
