"""The departure API for movements: a family taken from booking to departure, and who may do
what (out of reach: 404; not allowed: 403)."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.departure.models import Ticket
from cases.models import Case, CaseStatus
from tests.cases.departure.movements_helpers import agreement_with, passports, ready_case
from tests.factories import UserFactory, child_data, person_data

API = "/api/v1/departure"


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def family(caseworker: User) -> Case:
    case = ready_case(caseworker, person_data(), child_data())
    passports(case, caseworker)
    return case


def _movement(client: Client) -> dict[str, object]:
    response = client.post(
        f"{API}/movements/",
        {"mode": "air", "destination_country": "GN"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    movement: dict[str, object] = response.json()
    today = timezone.localdate().isoformat()
    response = client.post(
        f"{API}/movements/{movement['id']}/legs/",
        {
            "origin": "Casablanca",
            "destination": "Conakry",
            "carrier": "Royal Air Maroc",
            "number": "AT517",
            "departs_at": f"{today}T08:00:00+01:00",
            "departure_time_zone": "Africa/Casablanca",
            "arrives_at": f"{today}T11:30:00+00:00",
            "arrival_time_zone": "Africa/Conakry",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    result: dict[str, object] = response.json()
    return result


def test_a_family_from_booking_to_departure(
    client: Client, caseworker: User, family: Case, reintegration_officer: User
) -> None:
    client.force_login(caseworker)
    movement = _movement(client)
    assert str(movement["reference"]).startswith("MV-RBA-")
    agreement = agreement_with(10)
    child = family.people.get(relationship="child")
    response = client.post(
        f"{API}/movements/{movement['id']}/book/",
        {
            "case": family.pk,
            "agreement": agreement.pk,
            "cost": "350.00",
            "currency": "EUR",
            "travellers": [{"person": child.pk, "special_needs": ["wheelchair"]}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    tickets = response.json()
    assert [ticket["status"] for ticket in tickets] == ["booked", "booked"]
    assert Ticket.objects.get(person=child).special_needs == ["wheelchair"]

    client.force_login(reintegration_officer)
    arrivals = client.get(f"{API}/arrivals/").json()
    assert {arrival["name"] for arrival in arrivals} == {"CAMARA Mariama", "CAMARA Ibrahima"}
    assert next(a for a in arrivals if a["name"] == "CAMARA Ibrahima")["special_needs"] == [
        "Fauteuil roulant"
    ]

    client.force_login(caseworker)
    for ticket in tickets:
        response = client.post(
            f"{API}/tickets/{ticket['id']}/exit-authorisation/",
            {
                "pv_number": f"PV-{ticket['id']}",
                "issued_on": timezone.localdate().isoformat(),
                "police_station": "Commissariat Hay Riad",
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        response = client.post(
            f"{API}/tickets/{ticket['id']}/departure-check/",
            {"reintegration_documents_signed": True, "border_passed": True},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["departure_check"]["border_passed"] is True
    response = client.post(
        f"{API}/movements/{movement['id']}/complete/",
        {"case": family.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "departed"
    assert Case.objects.get(pk=family.pk).status == CaseStatus.DEPARTED


def test_departure_with_something_missing_answers_400_naming_it(
    client: Client, caseworker: User, family: Case
) -> None:
    client.force_login(caseworker)
    movement = _movement(client)
    response = client.post(
        f"{API}/movements/{movement['id']}/complete/",
        {"case": family.pk},
        content_type="application/json",
    )
    assert response.status_code == 404  # no ticket of the case on this movement
    client.post(
        f"{API}/movements/{movement['id']}/book/",
        {"case": family.pk, "agreement": agreement_with(5).pk, "cost": "1", "currency": "EUR"},
        content_type="application/json",
    )
    response = client.post(
        f"{API}/movements/{movement['id']}/complete/",
        {"case": family.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert (
        "Sans autorisation de sortie (PV de police) : CAMARA Mariama, CAMARA Ibrahima."
        in response.json()["non_field_errors"]
    )


def test_no_funds_answers_409(client: Client, caseworker: User, family: Case) -> None:
    client.force_login(caseworker)
    movement = _movement(client)
    response = client.post(
        f"{API}/movements/{movement['id']}/book/",
        {"case": family.pk, "agreement": agreement_with(1).pk, "cost": "1", "currency": "EUR"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "no_funds"
    assert not Ticket.objects.exists()


def test_another_office_gets_404_and_a_ministry_403(
    client: Client,
    caseworker: User,
    other_office_caseworker: User,
    ministry_focal_point: User,
    family: Case,
) -> None:
    client.force_login(caseworker)
    movement = _movement(client)
    client.force_login(other_office_caseworker)
    assert client.get(f"{API}/movements/{movement['id']}/").status_code == 404
    assert client.get(f"{API}/movements/").json()["count"] == 0
    response = client.post(
        f"{API}/movements/{movement['id']}/legs/", {}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(ministry_focal_point)
    response = client.post(
        f"{API}/movements/",
        {"mode": "air", "destination_country": "GN"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_another_countrys_mission_sees_no_arrival(
    client: Client, caseworker: User, family: Case
) -> None:
    client.force_login(caseworker)
    movement = _movement(client)
    client.post(
        f"{API}/movements/{movement['id']}/book/",
        {"case": family.pk, "agreement": agreement_with(5).pk, "cost": "1", "currency": "EUR"},
        content_type="application/json",
    )
    mali = Organisation.objects.create(
        name="Mission OIM Mali", code="MLI", kind=Organisation.Kind.IOM_MISSION, country="ML"
    )
    officer = UserFactory.create(
        username="mali", role=Role.REINTEGRATION_OFFICER, organisation=mali
    )
    client.force_login(officer)
    assert client.get(f"{API}/arrivals/").json() == []
    assert client.get(f"{API}/tickets/").json()["count"] == 0
