"""Demo data of the departure phase: movements. In each demo office, a flight that left ten
days ago with cases that departed through the services (their passports and the agreement
that paid made directly, when the documents and funding parts' demo data has none), and two
coming flights whose travellers are partly ready: documents, tickets, some PVs."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from avrr.models import Organisation, User
from cases.departure.models import (
    FundingAgreement,
    FundingCovers,
    Movement,
    SpecialNeed,
    Ticket,
    TravelDocument,
    TravelDocumentKind,
)
from cases.departure.services import movements as services
from cases.departure.services.funding import booking_order_problem
from cases.departure.workflow import valid_travel_document
from cases.models import Case, CaseStatus, ReferralSource
from cases.workflow import is_unaccompanied_minor_case

DEMO_OFFICE_CODES = ("RBA", "OUJ")
AGREEMENT_REFERENCE = "DEMO-BILLETS-MV"
TICKET_COST = Decimal("4200.00")
# Capitals' airports and their zones, for the countries the demo's people return to.
AIRPORTS = {
    "GN": ("Conakry (CKY)", "Africa/Conakry"),
    "CI": ("Abidjan (ABJ)", "Africa/Abidjan"),
    "SN": ("Dakar (DSS)", "Africa/Dakar"),
    "ML": ("Bamako (BKO)", "Africa/Bamako"),
    "CM": ("Douala (DLA)", "Africa/Douala"),
    "NG": ("Lagos (LOS)", "Africa/Lagos"),
    "CD": ("Kinshasa (FIH)", "Africa/Kinshasa"),
}


def _agreement() -> FundingAgreement:
    """An agreement with tickets left, in MAD: one of the funding part's, or the demo's own."""
    for agreement in FundingAgreement.objects.filter(currency="MAD", valid_until__isnull=True):
        if (
            agreement.ticket_quota is None
            or agreement.tickets_reserved + 20 <= agreement.ticket_quota
        ):
            return agreement
    funder = Organisation.objects.filter(kind=Organisation.Kind.GOVERNMENT).first()
    if funder is None:
        funder = Organisation.objects.create(
            name="Ministère de l'Intérieur", code="MIN", kind=Organisation.Kind.GOVERNMENT
        )
    agreement, _created = FundingAgreement.objects.get_or_create(
        reference=AGREEMENT_REFERENCE,
        defaults={
            "funder": funder,
            "title": "Billets de retour (démo)",
            "covers": FundingCovers.TICKETS,
            "ticket_quota": 120,
            "currency": "MAD",
            "valid_from": date(timezone.localdate().year, 1, 1),
        },
    )
    return agreement


def _documents(case: Case, actor: User, day: date) -> None:
    """A passport valid on the day for whoever has no valid document yet."""
    for person in case.people.all():
        if valid_travel_document(person, day) is None:
            TravelDocument.objects.create(
                person=person,
                kind=TravelDocumentKind.PASSPORT,
                number=f"D{person.pk:08d}",
                issuing_country=person.nationality,
                issued_on=day - timedelta(days=900),
                expires_on=day + timedelta(days=1500),
                recorded_by=actor,
            )


def _flight(actor: User, country: str, day: date, number: str) -> Movement:
    movement = services.movement_create(actor=actor, mode="air", destination_country=country)
    airport, zone = AIRPORTS[country]
    departs = datetime.combine(day, time(9, 40), ZoneInfo(settings.TIME_ZONE))
    services.leg_add(
        actor=actor,
        movement=movement,
        data=services.LegData(
            origin="Casablanca (CMN)",
            destination=airport,
            carrier="Royal Air Maroc",
            number=number,
            departs_at=departs,
            departure_time_zone=settings.TIME_ZONE,
            arrives_at=departs + timedelta(hours=4, minutes=5),
            arrival_time_zone=zone,
        ),
    )
    return movement


def _book(actor: User, movement: Movement, case: Case, agreement: FundingAgreement) -> list[Ticket]:
    escorted = is_unaccompanied_minor_case(case)
    travellers = {
        person.pk: services.TravellerData(
            special_needs=[SpecialNeed.MINOR_ESCORT] if escorted else [],
            escort="Agent·e OIM" if escorted else "",
            number=f"147-{movement.pk:03d}{person.pk:07d}",
        )
        for person in case.people.all()
    }
    return services.case_book(
        actor=actor,
        movement=movement,
        case=case,
        agreement=agreement,
        cost=TICKET_COST,
        currency=agreement.currency,
        travellers=travellers,
        # The demo's waiting list waits for another agreement's money: say so when a
        # booking passes before it, as a supervisor would.
        out_of_order_reason=(
            "Billets pris sur un vol déjà payé, avant l'arrivée des fonds de la liste d'attente."
            if booking_order_problem(case)
            else ""
        ),
    )


def _authorise(actor: User, tickets: list[Ticket], day: date) -> None:
    for ticket in tickets:
        services.exit_authorisation_record(
            actor=actor,
            ticket=ticket,
            pv_number=f"PV-{day:%Y}-{ticket.pk:05d}",
            issued_on=min(day, timezone.localdate()),
            police_station="Service des étrangers, préfecture de police",
        )


def _departure_day(actor: User, tickets: list[Ticket]) -> None:
    defaults = services.check_defaults()
    for ticket in tickets:
        services.departure_check_update(
            actor=actor,
            ticket=ticket,
            data=services.CheckData(
                escorted_by="Équipe mouvements",
                baggage_checked_in=True,
                currency_exchanged=True,
                per_diem_amount=defaults.per_diem_amount,
                per_diem_currency=defaults.per_diem_currency,
                per_diem_receipt_signed=True,
                reintegration_documents_signed=True,
                border_passed=True,
            ),
        )


def _destination(office: Organisation) -> tuple[str, list[Case]]:
    """The country most of the office's `ready` cases return to (all their people), and
    those cases, the longest ready first."""
    ready = (
        Case.objects.filter(office=office, status=CaseStatus.READY, assigned_to__isnull=False)
        .select_related("assigned_to")
        .prefetch_related("people__vulnerabilities")
        .order_by("ready_on", "pk")
    )
    by_country: dict[str, list[Case]] = {}
    for case in ready:
        countries = {str(person.country_of_return) for person in case.people.all()}
        if len(countries) == 1 and (country := countries.pop()) in AIRPORTS:
            by_country.setdefault(country, []).append(case)
    return max(by_country.items(), key=lambda item: len(item[1]), default=("", []))


def _past_flight(country: str, cases: list[Case], agreement: FundingAgreement) -> int:
    """A flight ten days ago that the cases took; how many departed."""
    actor = cast(User, cases[0].assigned_to)
    left_on = timezone.localdate() - timedelta(days=10)
    movement = _flight(actor, country, left_on, "AT517")
    # Everyone booked first: the movement leaves once none of its tickets is booked.
    booked = []
    for case in cases:
        _documents(case, actor, left_on)
        booked.append((case, _book(actor, movement, case, agreement)))
    for case, tickets in booked:
        _authorise(actor, tickets, left_on - timedelta(days=2))
        _departure_day(actor, tickets)
        services.departure_complete(actor=actor, case=case)
    return len(booked)


def _coming_flight(
    country: str, cases: list[Case], agreement: FundingAgreement, *, in_days: int, number: str
) -> int:
    """A flight in `in_days` days with the cases booked, the first one's PVs recorded when
    the flight is close; how many tickets."""
    actor = cast(User, cases[0].assigned_to)
    day = timezone.localdate() + timedelta(days=in_days)
    movement = _flight(actor, country, day, number)
    count = 0
    for index, case in enumerate(cases):
        _documents(case, actor, day)
        tickets = _book(actor, movement, case, agreement)
        count += len(tickets)
        if in_days < 7 and index == 0:
            _authorise(actor, tickets, timezone.localdate())
    return count


def _office_movements(office: Organisation, agreement: FundingAgreement) -> Counter[str]:
    made: Counter[str] = Counter()
    country, cases = _destination(office)
    # The referring NGOs' cases stay for the coming flights: a past departure of theirs would
    # e-mail the NGO when the demo loads.
    past = [case for case in cases if case.referral_source != ReferralSource.NGO][:2]
    coming = [case for case in cases if case not in past][:4]
    if past:
        made["departed"] += _past_flight(country, past, agreement)
        made["movements"] += 1
    for group, in_days, number in ((coming[:2], 3, "AT519"), (coming[2:], 8, "AT521")):
        if group:
            made["tickets"] += _coming_flight(
                country, group, agreement, in_days=in_days, number=number
            )
            made["movements"] += 1
    return made


@transaction.atomic
def load() -> str:
    existing = Movement.objects.filter(office__code__in=DEMO_OFFICE_CODES).count()
    if existing:
        return f"Demo movements: {existing} movements already exist, none created."
    agreement = _agreement()
    made: Counter[str] = Counter()
    for office in Organisation.objects.filter(
        kind=Organisation.Kind.IOM_OFFICE, code__in=DEMO_OFFICE_CODES
    ).order_by("code"):
        made.update(_office_movements(office, agreement))
    return (
        f"Demo movements: {made['movements']} movements, {made['departed']} cases departed, "
        f"{made['tickets']} tickets booked on coming flights."
    )
