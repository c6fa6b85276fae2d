"""Movements, tickets, exit authorisation, departure day and the departure itself, through
their services: what each refuses, with its message, and what it leaves behind."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pytest_django import Settings

from avrr.models import AuditEvent, User
from cases.departure import workflow
from cases.departure.models import (
    FundingAgreement,
    MovementStatus,
    Ticket,
    TicketStatus,
)
from cases.departure.services.funding import NoFunds
from cases.departure.services.movements import (
    CheckData,
    LegData,
    TravellerData,
    case_book,
    check_defaults,
    departure_check_update,
    departure_complete,
    exit_authorisation_record,
    leg_add,
    movement_cancel,
    movement_create,
    ticket_book,
    ticket_cancel,
    ticket_no_show,
)
from cases.models import Case, CaseStatus, JusticeDecision, TravelMode
from cases.services import case_update, case_withdraw
from cases.workflow import missing_for
from tests.cases.departure.movements_helpers import (
    CASABLANCA,
    agreement_with,
    flight,
    passport,
    passports,
    ready_case,
)
from tests.factories import child_data, person_data

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def family(caseworker: User) -> Case:
    """Mariama Camara and her son, ready, with passports."""
    case = ready_case(caseworker, person_data(), child_data())
    passports(case, caseworker)
    return case


@pytest.fixture
def agreement(db: None) -> FundingAgreement:
    return agreement_with(10)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def book_family(actor: User, case: Case, agreement: FundingAgreement) -> list[Ticket]:
    return case_book(
        actor=actor,
        movement=flight(actor),
        case=case,
        agreement=agreement,
        cost=Decimal("350.00"),
        currency="EUR",
    )


def authorise(actor: User, tickets: list[Ticket]) -> None:
    for index, ticket in enumerate(tickets):
        exit_authorisation_record(
            actor=actor,
            ticket=ticket,
            pv_number=f"PV-{index}",
            issued_on=TODAY(),
            police_station="Commissariat Hay Riad",
        )


def check_all(actor: User, tickets: list[Ticket], **overrides: object) -> None:
    values: dict[str, object] = {
        "escorted_by": "Salma (OIM)",
        "baggage_checked_in": True,
        "currency_exchanged": True,
        "per_diem_amount": Decimal(100),
        "per_diem_currency": "USD",
        "per_diem_receipt_signed": True,
        "reintegration_documents_signed": True,
        "border_passed": True,
    }
    values.update(overrides)
    for ticket in tickets:
        departure_check_update(actor=actor, ticket=ticket, data=CheckData(**values))  # type: ignore[arg-type]


# Movements and legs -------------------------------------------------------------------


def test_movements_are_numbered_per_office_and_year(caseworker: User) -> None:
    first = movement_create(actor=caseworker, mode="air", destination_country="GN")
    second = movement_create(actor=caseworker, mode="land", destination_country="ML")
    year = TODAY().year
    assert first.reference == f"MV-RBA-{year}-0001"
    assert second.reference == f"MV-RBA-{year}-0002"
    assert AuditEvent.objects.filter(action="movement.create").count() == 2


def test_a_ministry_cannot_create_a_movement(ministry_focal_point: User) -> None:
    with pytest.raises(PermissionDenied):
        movement_create(actor=ministry_focal_point, mode="air", destination_country="GN")


def _leg(**overrides: object) -> LegData:
    day = TODAY()
    values: dict[str, object] = {
        "origin": "Casablanca",
        "destination": "Conakry",
        "carrier": "RAM",
        "number": "AT517",
        "departs_at": datetime.combine(day, time(8), CASABLANCA),
        "departure_time_zone": "Africa/Casablanca",
        "arrives_at": datetime.combine(day, time(7), CASABLANCA),
        "arrival_time_zone": "Africa/Conakry",
    }
    values.update(overrides)
    return LegData(**values)  # type: ignore[arg-type]


def test_a_leg_arrives_after_it_departs(caseworker: User) -> None:
    movement = movement_create(actor=caseworker, mode="air", destination_country="GN")
    with pytest.raises(ValidationError) as error:
        leg_add(actor=caseworker, movement=movement, data=_leg())
    assert error.value.message_dict == {"arrives_at": ["L'arrivée doit suivre le départ."]}


def test_a_leg_needs_iana_time_zones_and_aware_times(caseworker: User) -> None:
    movement = movement_create(actor=caseworker, mode="air", destination_country="GN")
    naive = datetime.combine(TODAY(), time(8))
    with pytest.raises(ValidationError) as error:
        leg_add(
            actor=caseworker,
            movement=movement,
            data=_leg(departure_time_zone="GMT+1", departs_at=naive),
        )
    assert set(error.value.message_dict) == {"departure_time_zone", "departs_at"}


# Booking ------------------------------------------------------------------------------


def test_booking_a_case_reserves_one_unit_per_person(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    assert [ticket.status for ticket in tickets] == [TicketStatus.BOOKED] * 2
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 2
    assert agreement.budget_reserved == Decimal("700.00")
    assert AuditEvent.objects.filter(action="ticket.book", scope_id=str(family.pk)).count() == 2


def test_an_expired_passport_blocks_the_booking_and_says_whose_and_when(
    caseworker: User, agreement: FundingAgreement
) -> None:
    case = ready_case(caseworker, person_data())
    person = case.people.get()
    passport(person, caseworker, expires_on=TODAY() - timedelta(days=2))
    movement = flight(caseworker)
    with pytest.raises(ValidationError) as error:
        ticket_book(
            actor=caseworker,
            movement=movement,
            person=person,
            agreement=agreement,
            cost=Decimal(300),
            currency="EUR",
        )
    expiry = (TODAY() - timedelta(days=2)).strftime("%d/%m/%Y")
    assert error.value.messages == [
        f"Le document de voyage de CAMARA Mariama (Passeport P{person.pk:07d}) expire le "
        f"{expiry}, avant le voyage du {TODAY():%d/%m/%Y}."
    ]
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 0
    assert not Ticket.objects.exists()


def test_a_family_is_booked_whole_or_not_at_all(
    caseworker: User, agreement: FundingAgreement
) -> None:
    case = ready_case(caseworker, person_data(), child_data())
    passport(case.people.get(relationship="principal"), caseworker)
    with pytest.raises(ValidationError) as error:
        book_family(caseworker, case, agreement)
    assert error.value.messages == [
        f"CAMARA Ibrahima n'a pas de document de voyage (voyage le {TODAY():%d/%m/%Y})."
    ]
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 0
    assert not Ticket.objects.exists()


def test_no_funds_books_nothing(caseworker: User, family: Case) -> None:
    agreement = agreement_with(1)
    with pytest.raises(NoFunds):
        book_family(caseworker, family, agreement)
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 0
    assert not Ticket.objects.exists()


def test_only_a_ready_case_is_booked(caseworker: User, agreement: FundingAgreement) -> None:
    case = ready_case(caseworker, person_data())
    passports(case, caseworker)
    case_withdraw(actor=caseworker, case=case, reason="Ne souhaite plus partir")
    with pytest.raises(ValidationError) as error:
        book_family(caseworker, fresh(case), agreement)
    assert "seul un dossier prêt au départ est réservé" in error.value.messages[0]


def test_an_escort_is_required_for_an_escorted_need(
    caseworker: User, agreement: FundingAgreement
) -> None:
    case = ready_case(caseworker, person_data())
    person = case.people.get()
    passport(person, caseworker)
    with pytest.raises(ValidationError) as error:
        ticket_book(
            actor=caseworker,
            movement=flight(caseworker),
            person=person,
            agreement=agreement,
            cost=Decimal(300),
            currency="EUR",
            traveller=TravellerData(special_needs=["medical_escort"]),
        )
    assert error.value.messages == ["CAMARA Mariama voyage avec une escorte : indiquez-la."]


def test_another_office_cannot_book(
    other_office_caseworker: User, family: Case, agreement: FundingAgreement, caseworker: User
) -> None:
    movement = flight(caseworker)
    with pytest.raises(PermissionDenied):
        case_book(
            actor=other_office_caseworker,
            movement=movement,
            case=family,
            agreement=agreement,
            cost=Decimal(300),
            currency="EUR",
        )


def test_cancelling_a_ticket_gives_its_unit_back(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    ticket, _other = book_family(caseworker, family, agreement)
    ticket_cancel(actor=caseworker, ticket=ticket, reason="Vol changé")
    ticket.refresh_from_db()
    agreement.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    assert agreement.tickets_reserved == 1
    assert ticket.reservation.released_at is not None


def test_a_no_show_returns_the_ticket_unit_and_the_case_stays_ready(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    ticket, _other = book_family(caseworker, family, agreement)
    ticket_no_show(actor=caseworker, ticket=ticket, reason="Malade le jour du vol")
    ticket.refresh_from_db()
    agreement.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW
    assert ticket.status_reason == "Malade le jour du vol"
    assert agreement.tickets_reserved == 1
    assert fresh(family).status == CaseStatus.READY
    with pytest.raises(ValidationError):
        ticket_no_show(actor=caseworker, ticket=ticket, reason="Encore")


# Exit authorisation and departure day -------------------------------------------------


def test_the_exit_authorisation_needs_a_valid_travel_document(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    ticket, _other = book_family(caseworker, family, agreement)
    ticket.person.travel_documents.update(expires_on=TODAY() - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        authorise(caseworker, [ticket])
    assert "expire le" in error.value.messages[0]


def test_the_exit_authorisation_needs_a_booked_ticket(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    ticket, _other = book_family(caseworker, family, agreement)
    ticket_cancel(actor=caseworker, ticket=ticket, reason="Vol changé")
    with pytest.raises(ValidationError) as error:
        authorise(caseworker, [ticket])
    assert error.value.messages == [
        "Le billet de CAMARA Mariama est « Annulé » : cette action n'est plus possible."
    ]


def test_the_per_diem_defaults_to_the_setting(settings: Settings) -> None:
    settings.PER_DIEM_DEFAULT = (Decimal(150), "EUR")
    defaults = check_defaults()
    assert (defaults.per_diem_amount, defaults.per_diem_currency) == (Decimal(150), "EUR")


def test_the_border_is_not_passed_without_the_exit_authorisation(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    with pytest.raises(ValidationError) as error:
        check_all(caseworker, tickets[:1])
    assert error.value.message_dict == {
        "border_passed": [
            "CAMARA Mariama n'a pas d'autorisation de sortie : la frontière ne peut pas "
            "être passée."
        ]
    }


def test_a_signed_receipt_needs_the_amount(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    with pytest.raises(ValidationError) as error:
        check_all(caseworker, tickets[:1], per_diem_amount=None, border_passed=False)
    assert error.value.message_dict == {"per_diem_amount": ["Indiquez le montant du pécule remis."]}


# Departure ----------------------------------------------------------------------------


def test_departure_completes_the_case(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    authorise(caseworker, tickets)
    check_all(caseworker, tickets)
    case = departure_complete(actor=caseworker, case=family)
    case = fresh(case)
    assert case.status == CaseStatus.DEPARTED
    assert case.departed_on == TODAY()
    assert case.travel_mode == TravelMode.AIR
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.USED}
    assert tickets[0].movement.__class__.objects.get().status == MovementStatus.DEPARTED
    agreement.refresh_from_db()
    # Used tickets keep their unit: the money was spent.
    assert agreement.tickets_reserved == 2


def _departure_missing(case: Case) -> list[str]:
    return missing_for(fresh(case), CaseStatus.DEPARTED)


def test_departure_needs_a_ticket_for_everyone(caseworker: User, family: Case) -> None:
    assert "Sans billet : CAMARA Mariama, CAMARA Ibrahima." in _departure_missing(family)
    with pytest.raises(ValidationError) as error:
        departure_complete(actor=caseworker, case=family)
    assert "Sans billet : CAMARA Mariama, CAMARA Ibrahima." in error.value.messages


def test_departure_needs_a_valid_travel_document_for_the_day(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    book_family(caseworker, family, agreement)
    family.people.get(relationship="child").travel_documents.update(
        expires_on=TODAY() - timedelta(days=1)
    )
    assert (
        f"CAMARA Ibrahima n'a pas de document de voyage valable le {TODAY():%d/%m/%Y}."
        in _departure_missing(family)
    )


def test_departure_needs_the_exit_authorisations(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    authorise(caseworker, tickets[:1])
    assert "Sans autorisation de sortie (PV de police) : CAMARA Ibrahima." in _departure_missing(
        family
    )


def test_departure_needs_the_departure_day_steps(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    authorise(caseworker, tickets)
    check_all(caseworker, tickets[:1], border_passed=False)
    missing = _departure_missing(family)
    assert missing == [
        "Documents de réintégration non signés : CAMARA Ibrahima. "
        "Poste frontière non passé : CAMARA Mariama, CAMARA Ibrahima."
    ]


def test_departure_of_an_unaccompanied_minor_needs_an_escort_and_the_decision(
    caseworker: User, agreement: FundingAgreement
) -> None:
    today = TODAY()
    minor = person_data(
        family_name="Diallo",
        given_name="Mamadou",
        sex="M",
        birth_date=date(today.year - 16, 2, 1),
        vulnerabilities=["unaccompanied_minor"],
    )
    from cases.services import case_register, case_transition, declaration_record
    from tests.factories import pdf_upload

    case = case_register(actor=caseworker, people=[minor])
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    declaration_record(
        actor=caseworker,
        case=case,
        signatory=case.people.get(),
        signed_on=today,
        scan=pdf_upload(),
        guardian_name="Tuteur désigné",
    )
    assert workflow.needs_justice_decision_for_minor(fresh(case)) == (
        "Mineur non accompagné ou séparé : la décision du ministère de la Justice "
        "autorisant le retour, avec sa date, est requise."
    )
    case = fresh(case)
    case_update(
        actor=caseworker,
        case=case,
        expected_version=case.version,
        changes={
            "justice_decision": JusticeDecision.RETURN_AUTHORISED,
            "justice_decision_on": today - timedelta(days=3),
        },
    )
    case = case_transition(actor=caseworker, case=fresh(case), to_status=CaseStatus.READY)
    passports(case, caseworker)
    book_family(caseworker, case, agreement)
    assert (
        "Mineur non accompagné ou séparé : indiquez son escorte sur le billet."
        in _departure_missing(case)
    )


def test_departure_needs_the_signed_declaration(caseworker: User) -> None:
    from cases.services import case_register

    case = case_register(actor=caseworker, people=[person_data()])
    assert workflow.needs_declaration(case) == (
        "La déclaration de retour volontaire signée n'est pas enregistrée."
    )


# Withdrawal ---------------------------------------------------------------------------


def test_withdrawal_frees_the_tickets(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    book_family(caseworker, family, agreement)
    case_withdraw(actor=caseworker, case=fresh(family), reason="Reste au Maroc")
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CANCELLED}
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 0


def test_withdrawal_is_refused_once_a_traveller_passed_the_border(
    caseworker: User, family: Case, agreement: FundingAgreement
) -> None:
    tickets = book_family(caseworker, family, agreement)
    authorise(caseworker, tickets)
    check_all(caseworker, tickets[:1])
    with pytest.raises(ValidationError) as error:
        case_withdraw(actor=caseworker, case=fresh(family), reason="Reste au Maroc")
    assert error.value.messages == [
        "Déjà passé·e le poste frontière : CAMARA Mariama. Le désistement n'est plus possible."
    ]
    assert fresh(family).status == CaseStatus.READY
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.BOOKED}


def test_a_case_booked_before_one_waiting_for_funds_needs_a_reason(
    caseworker: User, agreement: FundingAgreement
) -> None:
    waiting = ready_case(caseworker, person_data(family_name="Sylla", given_name="Awa"))
    Case.objects.filter(pk=waiting.pk).update(
        status=CaseStatus.WAITING_FUNDS, ready_on=date(2026, 1, 5)
    )
    case = ready_case(caseworker, person_data())
    passports(case, caseworker)
    with pytest.raises(ValidationError) as error:
        book_family(caseworker, fresh(case), agreement)
    assert waiting.number in error.value.messages[0]
    assert not Ticket.objects.exists()

    [ticket] = case_book(
        actor=caseworker,
        movement=flight(caseworker),
        case=fresh(case),
        agreement=agreement,
        cost=Decimal("350.00"),
        currency="EUR",
        out_of_order_reason="Urgence médicale : vol le plus proche.",
    )
    assert ticket.reservation.out_of_order_reason == "Urgence médicale : vol le plus proche."


def test_a_cancelled_movement_gives_every_ticket_back_and_the_cases_stay_ready(
    caseworker: User, agreement: FundingAgreement
) -> None:
    case = ready_case(caseworker, person_data(), child_data())
    passports(case, caseworker)
    tickets = book_family(caseworker, case, agreement)
    movement = tickets[0].movement
    with pytest.raises(ValidationError):
        movement_cancel(actor=caseworker, movement=movement, reason=" ")
    movement_cancel(actor=caseworker, movement=movement, reason="Vol supprimé par la compagnie")
    agreement.refresh_from_db()
    assert agreement.tickets_reserved == 0
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CANCELLED}
    assert fresh(case).status == CaseStatus.READY
    with pytest.raises(ValidationError, match="ne peut plus être annulé"):
        movement_cancel(actor=caseworker, movement=movement, reason="Encore")


def test_another_office_cannot_cancel_a_movement(
    caseworker: User, other_office_caseworker: User, agreement: FundingAgreement
) -> None:
    with pytest.raises(PermissionDenied):
        movement_cancel(actor=other_office_caseworker, movement=flight(caseworker), reason="x")
