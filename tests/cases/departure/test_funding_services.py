"""Funding: agreements and amendments, reservations and their release, the waiting list's
order, who is ahead of a booking, and a case put on the waiting list and back."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pytest_django import Settings

from avrr.models import AuditEvent, Organisation, User
from cases.departure.models import (
    FundingAgreement,
    FundingCovers,
    FundingReservation,
    Movement,
    Ticket,
    TicketStatus,
)
from cases.departure.selectors.funding import (
    agreement_funds,
    agreements_that_can_fund,
    nearly_exhausted,
    waiting_list,
    waiting_people,
)
from cases.departure.services.funding import (
    NoFunds,
    agreement_create,
    amendment_add,
    booking_order_problem,
    case_funds_found,
    case_wait_for_funds,
    funding_release,
    funding_reserve,
)
from cases.models import Case, CaseStatus, Person, Priority
from cases.services import case_transition
from tests.cases.departure.funding import FARE, MAD, agreement, sign_declaration, staged_case

pytestmark = pytest.mark.django_db


def principal(case: Case) -> Person:
    person = case.people.order_by("pk").first()
    assert person is not None
    return person


def fresh(agreement_: FundingAgreement) -> FundingAgreement:
    return FundingAgreement.objects.get(pk=agreement_.pk)


# Agreements and amendments ------------------------------------------------------------


def test_a_supervisor_creates_an_agreement_audited(
    supervisor: User, ministry: Organisation
) -> None:
    created = agreement_create(
        actor=supervisor,
        funder=ministry,
        reference="MI-2026",
        title="Billets 2026",
        covers=FundingCovers.BOTH,
        currency="MAD",
        valid_from=date(2026, 1, 1),
        ticket_quota=200,
        budget=Decimal("500000"),
    )
    assert (created.ticket_quota, created.budget, created.tickets_reserved) == (
        200,
        Decimal("500000"),
        0,
    )
    event = AuditEvent.objects.get(action="funding_agreement.create")
    assert event.changes["reference"] == "MI-2026"


def test_a_caseworker_creates_no_agreement(caseworker: User, ministry: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        agreement_create(
            actor=caseworker,
            funder=ministry,
            reference="X",
            title="X",
            covers=FundingCovers.TICKETS,
            currency="MAD",
            valid_from=date(2026, 1, 1),
            ticket_quota=1,
        )
    assert not FundingAgreement.objects.exists()


def test_an_agreement_needs_a_quota_or_a_budget_and_a_real_currency(
    supervisor: User, ministry: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        agreement_create(
            actor=supervisor,
            funder=ministry,
            reference="X",
            title="X",
            covers=FundingCovers.TICKETS,
            currency="XYZ",
            valid_from=date(2026, 1, 1),
        )
    assert set(refused.value.message_dict) == {"ticket_quota", "currency"}
    assert not FundingAgreement.objects.exists()


def test_an_amendment_adds_tickets_under_audit(supervisor: User, ministry: Organisation) -> None:
    memorandum = agreement(ministry, ticket_quota=1000, tickets_reserved=1000)
    amendment_add(
        actor=supervisor,
        agreement=memorandum,
        reference="Avenant 2",
        signed_on=date(2015, 3, 1),
        added_tickets=1500,
    )
    assert fresh(memorandum).ticket_quota == 2500
    event = AuditEvent.objects.get(action="funding_amendment.add")
    assert event.changes["added_tickets"] == 1500


def test_an_amendment_in_another_currency_is_refused(
    supervisor: User, ministry: Organisation
) -> None:
    project = agreement(ministry, ticket_quota=None, budget=Decimal(1000), currency="USD")
    with pytest.raises(ValidationError) as refused:
        amendment_add(
            actor=supervisor,
            agreement=project,
            reference="A1",
            signed_on=date(2026, 1, 5),
            added_budget=Decimal(5000),
            currency="MAD",
        )
    assert "USD" in refused.value.message_dict["currency"][0]
    assert fresh(project).budget == Decimal(1000)
    assert not project.amendments.exists()


def test_an_amendment_adds_only_what_the_agreement_counts(
    supervisor: User, ministry: Organisation
) -> None:
    quota_only = agreement(ministry)
    with pytest.raises(ValidationError) as refused:
        amendment_add(
            actor=supervisor,
            agreement=quota_only,
            reference="A1",
            signed_on=date(2026, 1, 5),
            added_budget=Decimal(5000),
            currency="MAD",
        )
    assert "added_budget" in refused.value.message_dict
    assert fresh(quota_only).budget is None


# Reservations and their release -------------------------------------------------------


def test_a_ticket_in_another_currency_is_refused(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, budget=Decimal(10000))
    case = staged_case(caseworker, CaseStatus.READY)
    with pytest.raises(ValidationError, match="MAD"):
        funding_reserve(
            actor=supervisor, agreement=funds, person=principal(case), cost=FARE, currency="EUR"
        )
    assert (fresh(funds).tickets_reserved, fresh(funds).budget_reserved) == (0, Decimal(0))


def test_a_quota_only_agreement_stops_at_its_quota(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=2)
    case = staged_case(caseworker, CaseStatus.READY, children=2)
    people = list(case.people.order_by("pk"))
    for person in people[:2]:
        funding_reserve(actor=supervisor, agreement=funds, person=person, cost=FARE, currency=MAD)
    with pytest.raises(NoFunds, match="n'a plus de billet disponible"):
        funding_reserve(
            actor=supervisor, agreement=funds, person=people[2], cost=FARE, currency=MAD
        )
    assert fresh(funds).tickets_reserved == 2


def test_a_budget_only_agreement_stops_when_the_budget_is_short(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=None, budget=Decimal("6000"), currency="USD")
    case = staged_case(caseworker, CaseStatus.READY, children=2)
    people = list(case.people.order_by("pk"))
    for person in people[:2]:
        funding_reserve(
            actor=supervisor, agreement=funds, person=person, cost=Decimal(2500), currency="USD"
        )
    with pytest.raises(NoFunds, match="budget restant"):
        funding_reserve(
            actor=supervisor, agreement=funds, person=people[2], cost=Decimal(2500), currency="USD"
        )
    stored = fresh(funds)
    assert (stored.tickets_reserved, stored.budget_reserved) == (2, Decimal(5000))


def test_a_release_gives_the_unit_and_cost_back_once(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=1, budget=Decimal(3000))
    case = staged_case(caseworker, CaseStatus.READY)
    reservation = funding_reserve(
        actor=supervisor, agreement=funds, person=principal(case), cost=FARE, currency=MAD
    )
    funding_release(actor=supervisor, reservation=reservation, reason="Vol annulé")
    funding_release(actor=supervisor, reservation=reservation, reason="Vol annulé")
    stored = fresh(funds)
    assert (stored.tickets_reserved, stored.budget_reserved) == (0, Decimal(0))
    assert AuditEvent.objects.filter(action="funding.release").count() == 1
    # The unit given back books the next person.
    funding_reserve(
        actor=supervisor, agreement=funds, person=principal(case), cost=FARE, currency=MAD
    )


def test_an_agreement_pays_nothing_before_it_starts(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    starts = timezone.localdate() + timedelta(days=10)
    funds = agreement(ministry, valid_from=starts)
    case = staged_case(caseworker, CaseStatus.READY)
    with pytest.raises(NoFunds, match="ne prend effet que le"):
        funding_reserve(
            actor=supervisor, agreement=funds, person=principal(case), cost=FARE, currency=MAD
        )
    assert fresh(funds).tickets_reserved == 0


def _booked_ticket(actor: User, case: Case, reservation: FundingReservation) -> Ticket:
    movement = Movement.objects.create(
        office=case.office, reference="MV-1", mode="air", destination_country="GN", created_by=actor
    )
    return Ticket.objects.create(
        movement=movement,
        person=reservation.person,
        case=case,
        cost=reservation.cost,
        currency=MAD,
        reservation=reservation,
        booked_by=actor,
    )


def test_a_no_show_gives_its_unit_back(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=1)
    case = staged_case(caseworker, CaseStatus.READY)
    reservation = funding_reserve(
        actor=supervisor, agreement=funds, person=principal(case), cost=FARE, currency=MAD
    )
    ticket = _booked_ticket(supervisor, case, reservation)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.NO_SHOW)
    funding_release(actor=supervisor, reservation=reservation, reason="no_show")
    assert fresh(funds).tickets_reserved == 0
    figures = agreement_funds(
        fresh(funds), today=timezone.localdate(), waiting_cases=Case.objects.all()
    )
    assert (figures.tickets_used, figures.tickets_reserved, figures.tickets_left) == (0, 0, 1)


# The funds of an agreement ------------------------------------------------------------


def test_funds_tell_used_reserved_left_and_when_they_run_out(
    supervisor: User, caseworker: User, ministry: Organisation
) -> None:
    # 100 used before the product, 9 reserved in the last 90 days (one of them flown).
    funds = agreement(ministry, ticket_quota=118, tickets_reserved=100)
    booked = staged_case(caseworker, CaseStatus.READY, children=8)
    reservations = [
        funding_reserve(actor=supervisor, agreement=funds, person=person, cost=FARE, currency=MAD)
        for person in booked.people.order_by("pk")
    ]
    flown = _booked_ticket(supervisor, booked, reservations[0])
    Ticket.objects.filter(pk=flown.pk).update(status=TicketStatus.USED)
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, children=2, name="Awa")
    today = timezone.localdate()

    figures = agreement_funds(fresh(funds), today=today, waiting_cases=Case.objects.all())

    assert (figures.tickets_used, figures.tickets_reserved, figures.tickets_left) == (101, 8, 9)
    # 9 tickets in 90 days: 0.1 a day, the 9 left last 90 days.
    assert figures.tickets_per_day == Decimal("0.1")
    assert figures.runs_out_on == today + timedelta(days=90)
    assert figures.waiting_people == 3
    # 3 people at 0.1 a day: 30 days, about one month.
    assert figures.months_to_clear == Decimal("1.0")


def test_funds_without_recent_bookings_do_not_run_out(ministry: Organisation) -> None:
    funds = agreement(ministry, ticket_quota=None, budget=Decimal(1000))
    figures = agreement_funds(funds, today=timezone.localdate(), waiting_cases=Case.objects.all())
    assert (figures.runs_out_on, figures.months_to_clear) == (None, None)
    assert figures.budget_left == Decimal(1000)


def test_nearly_exhausted_agreements(ministry: Organisation) -> None:
    today = timezone.localdate()
    agreement(ministry, reference="NEARLY", ticket_quota=100, tickets_reserved=92)
    agreement(ministry, reference="PLENTY", ticket_quota=100, tickets_reserved=50)
    agreement(ministry, reference="SPENT", ticket_quota=100, tickets_reserved=100)
    agreement(
        ministry,
        reference="BUDGET",
        ticket_quota=None,
        budget=Decimal(1000),
        budget_reserved=Decimal(950),
    )
    agreement(
        ministry,
        reference="ENDED",
        ticket_quota=100,
        tickets_reserved=95,
        valid_until=today - timedelta(days=1),
    )
    found = nearly_exhausted(FundingAgreement.objects.all(), on=today)
    assert sorted(found.values_list("reference", flat=True)) == ["BUDGET", "NEARLY"]


def test_which_agreements_can_fund(ministry: Organisation) -> None:
    today = timezone.localdate()
    agreement(ministry, reference="OK", ticket_quota=3)
    agreement(ministry, reference="TOO-FEW", ticket_quota=3, tickets_reserved=1)
    agreement(ministry, reference="USD", currency="USD")
    agreement(ministry, reference="PER-DIEM", covers=FundingCovers.PER_DIEM)
    agreement(ministry, reference="FUTURE", valid_from=today + timedelta(days=1))
    agreement(ministry, reference="SHORT", ticket_quota=None, budget=Decimal(7000))
    agreement(ministry, reference="RICH", ticket_quota=None, budget=Decimal(7500))
    found = agreements_that_can_fund(FARE, MAD, today, tickets=3)
    assert sorted(found.values_list("reference", flat=True)) == ["OK", "RICH"]


# The waiting list ---------------------------------------------------------------------


def test_the_waiting_list_orders_by_priority_then_date(caseworker: User) -> None:
    def waiting(
        name: str, ready_on: date, *, priority: int = Priority.NORMAL, vulnerable: bool = False
    ) -> Case:
        return staged_case(
            caseworker,
            CaseStatus.WAITING_FUNDS,
            ready_on=ready_on,
            name=name,
            priority=priority,
            vulnerable=vulnerable,
        )

    oldest = waiting("Aissatou", date(2026, 1, 1))
    newer = waiting("Binta", date(2026, 1, 5))
    vulnerable = waiting("Coumba", date(2026, 1, 10), vulnerable=True)
    high = waiting("Djeneba", date(2026, 1, 15), priority=Priority.HIGH)
    urgent = waiting("Fanta", date(2026, 1, 20), priority=Priority.URGENT)
    staged_case(caseworker, CaseStatus.READY, ready_on=date(2025, 12, 1), name="Ready")

    order = list(waiting_list(Case.objects.all()))

    assert order == [urgent, vulnerable, high, oldest, newer]
    assert waiting_people(Case.objects.all()) == 5


def test_booking_order_problem_names_who_is_ahead(
    caseworker: User, other_office_caseworker: User
) -> None:
    first = staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 1))
    second = staged_case(
        caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 2), name="Binta"
    )
    # Another office's waiting list is its own.
    staged_case(
        other_office_caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2025, 1, 1), name="Oujda"
    )
    later_ready = staged_case(caseworker, CaseStatus.READY, ready_on=date(2026, 2, 1), name="C")

    assert booking_order_problem(first) == ""
    assert booking_order_problem(second).startswith(
        f"1 dossier attend un financement avant celui-ci : {first.number}."
    )
    problem = booking_order_problem(later_ready)
    assert problem.startswith("2 dossiers attendent")
    assert f"{first.number}, {second.number}" in problem


def test_an_urgent_ready_case_is_ahead_of_normal_waiting_cases(caseworker: User) -> None:
    staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 1))
    urgent = staged_case(
        caseworker, CaseStatus.READY, ready_on=date(2026, 2, 1), priority=Priority.URGENT, name="U"
    )
    assert booking_order_problem(urgent) == ""


def test_a_case_waits_for_funds_only_when_no_agreement_can_pay(
    caseworker: User, ministry: Organisation
) -> None:
    case = staged_case(caseworker, CaseStatus.READY, children=1)
    funds = agreement(ministry, reference="MI-1", ticket_quota=2)
    with pytest.raises(ValidationError, match="MI-1"):
        case_wait_for_funds(actor=caseworker, case=case, ticket_cost=FARE, currency=MAD)
    FundingAgreement.objects.filter(pk=funds.pk).update(tickets_reserved=1)

    waiting = case_wait_for_funds(actor=caseworker, case=case, ticket_cost=FARE, currency=MAD)

    assert waiting.status == CaseStatus.WAITING_FUNDS
    event = AuditEvent.objects.filter(action="case.transition").latest("pk")
    assert event.changes["reason"] == "Aucun accord ne finance 2 billets à 2500.00 MAD."


def test_funds_found_make_the_case_ready_again_keeping_its_date(
    caseworker: User, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = staged_case(caseworker, CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 3))
    sign_declaration(case, caseworker)
    ready = case_funds_found(actor=caseworker, case=case)
    assert (ready.status, Case.objects.get(pk=case.pk).ready_on) == (
        CaseStatus.READY,
        date(2026, 1, 3),
    )
    with pytest.raises(ValidationError):
        case_funds_found(actor=caseworker, case=ready)


def test_another_office_cannot_move_the_case(
    caseworker: User, other_office_caseworker: User
) -> None:
    case = staged_case(caseworker, CaseStatus.WAITING_FUNDS)
    with pytest.raises(PermissionDenied):
        case_funds_found(actor=other_office_caseworker, case=case)


# The generic status change (the case page, the transitions API) has no fare ---------


def test_a_case_does_not_wait_for_funds_while_an_agreement_can_pay(
    caseworker: User, ministry: Organisation
) -> None:
    funds = agreement(ministry, ticket_quota=10)
    case = staged_case(caseworker, CaseStatus.READY)
    with pytest.raises(ValidationError, match=f"L'accord {funds.reference} peut encore payer"):
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.WAITING_FUNDS)
    FundingAgreement.objects.filter(pk=funds.pk).update(tickets_reserved=10)
    moved = case_transition(actor=caseworker, case=case, to_status=CaseStatus.WAITING_FUNDS)
    assert moved.status == CaseStatus.WAITING_FUNDS


def test_at_a_quoted_fare_no_agreement_can_pay_the_case_waits_though_money_is_left(
    caseworker: User, ministry: Organisation
) -> None:
    # 1,000 MAD left: not one 2,500 MAD ticket.
    agreement(ministry, ticket_quota=None, budget=Decimal("1000.00"))
    case = staged_case(caseworker, CaseStatus.READY)
    waiting = case_wait_for_funds(actor=caseworker, case=case, ticket_cost=FARE, currency=MAD)
    assert waiting.status == CaseStatus.WAITING_FUNDS
