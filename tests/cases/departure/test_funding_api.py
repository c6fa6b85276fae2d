"""The funding API: agreements read by office staff and written by supervisors, their
amendments, and the office's waiting list in booking order."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement
from cases.models import CaseStatus, Priority
from tests.cases.departure.funding import agreement, staged_case
from tests.cases.departure.movements_helpers import ready_case

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/departure/agreements/"
WAITING = "/api/v1/departure/waiting-list/"


def test_staff_read_agreements_with_what_is_left(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=10, tickets_reserved=4)
    client.force_login(caseworker)
    listed = client.get(AGREEMENTS).json()["results"]
    assert [(row["reference"], row["tickets_left"]) for row in listed] == [(funds.reference, 6)]
    detail = client.get(f"{AGREEMENTS}{funds.pk}/").json()
    assert detail["funds"]["tickets_left"] == 6
    assert detail["funder"] == ministry.code


def test_a_caseworker_writes_no_agreement(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    client.force_login(caseworker)
    response = client.post(
        AGREEMENTS,
        {
            "funder": ministry.code,
            "reference": "X",
            "title": "X",
            "covers": "tickets",
            "ticket_quota": 5,
            "currency": "MAD",
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not FundingAgreement.objects.exists()


def test_a_supervisor_creates_an_agreement_and_amends_it(
    client: Client, supervisor: User, ministry: Organisation
) -> None:
    client.force_login(supervisor)
    created = client.post(
        AGREEMENTS,
        {
            "funder": ministry.code,
            "reference": "OIM-USD-1",
            "title": "Projet OIM",
            "covers": "both",
            "budget": "20000.00",
            "currency": "USD",
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    amended = client.post(
        f"{AGREEMENTS}{pk}/amendments/",
        {"reference": "A1", "signed_on": "2026-02-01", "added_budget": "5000", "currency": "USD"},
        content_type="application/json",
    )
    assert amended.status_code == 201, amended.json()
    assert amended.json()["budget"] == "25000.00"
    refused = client.post(
        f"{AGREEMENTS}{pk}/amendments/",
        {"reference": "A2", "signed_on": "2026-02-01", "added_budget": "5000", "currency": "EUR"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "currency" in refused.json()
    assert FundingAgreement.objects.get(pk=pk).budget == Decimal(25000)


def test_an_ngo_sees_no_agreement(
    client: Client, ngo_referrer: User, ministry: Organisation
) -> None:
    funds = agreement(ministry)
    client.force_login(ngo_referrer)
    assert client.get(AGREEMENTS).json()["results"] == []
    assert client.get(f"{AGREEMENTS}{funds.pk}/").status_code == 404


def test_the_waiting_list_in_booking_order(client: Client, caseworker: User) -> None:
    later = staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 1))
    urgent = staged_case(
        caseworker,
        CaseStatus.WAITING_FUNDS,
        ready_on=date(2026, 3, 1),
        priority=Priority.URGENT,
        children=1,
        name="U",
    )
    client.force_login(caseworker)
    rows = client.get(WAITING).json()["results"]
    assert [(row["number"], row["household_size"]) for row in rows] == [
        (urgent.number, 2),
        (later.number, 1),
    ]


def test_a_case_goes_on_the_waiting_list_and_off_it_through_the_api(
    client: Client, caseworker: User, other_office_caseworker: User
) -> None:
    case = ready_case(caseworker)  # declaration signed: it may be ready again
    client.force_login(other_office_caseworker)
    body = {"case": case.pk, "ticket_cost": "4000.00", "currency": "MAD"}
    assert client.post(WAITING, body, content_type="application/json").status_code == 404

    client.force_login(caseworker)
    response = client.post(WAITING, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == CaseStatus.WAITING_FUNDS
    assert [row["number"] for row in client.get(WAITING).json()["results"]] == [case.number]

    found = client.post(f"{WAITING}{case.pk}/funds-found/")
    assert found.status_code == 200
    assert found.json()["status"] == CaseStatus.READY
    again = client.post(f"{WAITING}{case.pk}/funds-found/")
    assert again.status_code == 400
    assert "pas sur la liste d'attente" in str(again.json())


def test_no_waiting_list_when_an_agreement_can_pay(
    client: Client, caseworker: User, ministry: Organisation
) -> None:
    agreement(ministry, ticket_quota=10, currency="MAD")
    case = staged_case(caseworker, CaseStatus.READY)
    client.force_login(caseworker)
    body = {"case": case.pk, "ticket_cost": "4000.00", "currency": "MAD"}
    response = client.post(WAITING, body, content_type="application/json")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.READY
