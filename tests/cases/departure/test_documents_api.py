"""/api/v1/departure/: travel documents, laissez-passer requests and their answers,
embassies; a record out of reach is a 404, a user who may not write gets a 403."""

from datetime import date, timedelta

from django.test import Client

from avrr.models import User
from cases.departure.models import Embassy, LpcStatus
from cases.departure.services.documents import lpc_request, passport_record
from cases.models import Case, CaseStatus, Person

BASE = "/api/v1/departure"


def test_a_passport_is_recorded_and_listed(
    client: Client, caseworker: User, household: Case, mother: Person, today: date
) -> None:
    client.force_login(caseworker)
    response = client.post(
        f"{BASE}/travel-documents/",
        {
            "person": mother.pk,
            "number": "gn42",
            "issuing_country": "gn",
            "expires_on": (today + timedelta(days=200)).isoformat(),
            "copy_held": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == "GN42"
    listed = client.get(f"{BASE}/travel-documents/", {"case": household.pk}).json()
    assert [(row["person"], row["kind"], row["issuing_country"]) for row in listed["results"]] == [
        (mother.pk, "passport", "GN")
    ]


def test_a_laissez_passer_request_goes_through_its_answers(
    client: Client, caseworker: User, son: Person, guinea_embassy: Embassy, today: date
) -> None:
    client.force_login(caseworker)
    created = client.post(
        f"{BASE}/lpc-requests/",
        {"person": son.pk, "embassy": guinea_embassy.pk, "requested_on": today.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    interview = client.post(
        f"{BASE}/lpc-requests/{pk}/interview/",
        {"interview_on": (today + timedelta(days=5)).isoformat()},
        content_type="application/json",
    )
    assert interview.json()["status"] == LpcStatus.INTERVIEW
    issued = client.post(
        f"{BASE}/lpc-requests/{pk}/issue/",
        {
            "number": "LP1",
            "issued_on": today.isoformat(),
            "expires_on": (today + timedelta(days=90)).isoformat(),
        },
        content_type="application/json",
    )
    assert issued.json()["status"] == LpcStatus.ISSUED
    assert issued.json()["document"]["kind"] == "lpc"
    again = client.post(
        f"{BASE}/lpc-requests/{pk}/refuse/",
        {"reason": "Trop tard"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": [
            "Cette demande de laissez-passer est « Délivré » : ce n'est plus possible."
        ]
    }


def test_another_offices_records_are_not_found(
    client: Client,
    caseworker: User,
    other_office_caseworker: User,
    mother: Person,
    guinea_embassy: Embassy,
    today: date,
) -> None:
    passport_record(
        actor=caseworker, person=mother, number="GN1", issuing_country="GN", expires_on=today
    )
    request = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today
    )
    client.force_login(other_office_caseworker)
    assert client.get(f"{BASE}/travel-documents/").json()["results"] == []
    assert client.get(f"{BASE}/lpc-requests/").json()["results"] == []
    response = client.post(
        f"{BASE}/lpc-requests/{request.pk}/refuse/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        f"{BASE}/lpc-requests/",
        {"person": mother.pk, "embassy": guinea_embassy.pk, "requested_on": today.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_mission_abroad_may_not_write(
    client: Client, reintegration_officer: User, household: Case, mother: Person, today: date
) -> None:
    Case.objects.filter(pk=household.pk).update(status=CaseStatus.DEPARTED)
    client.force_login(reintegration_officer)
    response = client.post(
        f"{BASE}/travel-documents/",
        {
            "person": mother.pk,
            "number": "GN1",
            "issuing_country": "GN",
            "expires_on": today.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get(f"{BASE}/embassies/").json()["results"] == []


def test_embassies_are_listed_for_office_staff(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    embassies = client.get(f"{BASE}/embassies/").json()["results"]
    assert {(row["country"], row["letter_language"]) for row in embassies} >= {
        ("GN", "fr"),
        ("NG", "en"),
    }
