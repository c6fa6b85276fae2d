"""A ticket reserves one unit of an agreement's quota and its cost; giving it back once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from avrr.models import AuditEvent, Organisation, User
from cases.departure.models import FundingAgreement, FundingCovers
from cases.departure.services.funding import NoFunds, funding_release, funding_reserve
from cases.models import Person
from tests.factories import OrganisationFactory, person_data, register_case


@pytest.fixture
def agreement(db: None) -> FundingAgreement:
    ministry = OrganisationFactory.create(
        name="Ministère de l'Intérieur", code="MI", kind=Organisation.Kind.GOVERNMENT
    )
    return FundingAgreement.objects.create(
        funder=ministry,
        reference="MI-2026-01",
        title="Billets 2026",
        covers=FundingCovers.TICKETS,
        ticket_quota=2,
        budget=Decimal("9000.00"),
        currency="MAD",
        valid_from=date(2026, 1, 1),
    )


@pytest.fixture
def person(caseworker: User) -> Person:
    return register_case(caseworker, person_data()).people.get()


def test_reservations_count_against_quota_and_budget_until_none_is_left(
    caseworker: User, agreement: FundingAgreement, person: Person
) -> None:
    for _ in range(2):
        funding_reserve(
            actor=caseworker,
            agreement=agreement,
            person=person,
            cost=Decimal("4000.00"),
            currency="MAD",
        )
    agreement.refresh_from_db()
    assert (agreement.tickets_reserved, agreement.budget_reserved) == (2, Decimal("8000.00"))
    with pytest.raises(NoFunds, match="n'a plus de billet disponible"):
        funding_reserve(
            actor=caseworker, agreement=agreement, person=person, cost=Decimal(1), currency="MAD"
        )
    assert AuditEvent.objects.filter(action="funding.reserve").count() == 2


def test_the_budget_left_must_cover_the_ticket(
    caseworker: User, agreement: FundingAgreement, person: Person
) -> None:
    with pytest.raises(NoFunds, match="ne couvre pas ce billet"):
        funding_reserve(
            actor=caseworker,
            agreement=agreement,
            person=person,
            cost=Decimal("9000.01"),
            currency="MAD",
        )


def test_a_ticket_is_paid_in_the_agreement_currency(
    caseworker: User, agreement: FundingAgreement, person: Person
) -> None:
    with pytest.raises(ValidationError, match="devise de l'accord"):
        funding_reserve(
            actor=caseworker, agreement=agreement, person=person, cost=Decimal(10), currency="USD"
        )


def test_a_release_gives_the_unit_and_the_cost_back_once(
    caseworker: User, agreement: FundingAgreement, person: Person
) -> None:
    reservation = funding_reserve(
        actor=caseworker, agreement=agreement, person=person, cost=Decimal(500), currency="MAD"
    )
    funding_release(actor=caseworker, reservation=reservation, reason="Non présenté")
    funding_release(actor=caseworker, reservation=reservation, reason="Encore")
    agreement.refresh_from_db()
    assert (agreement.tickets_reserved, agreement.budget_reserved) == (0, Decimal(0))
    reservation.refresh_from_db()
    assert reservation.release_reason == "Non présenté"
