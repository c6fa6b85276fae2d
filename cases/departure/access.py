"""Who may see and do what in the departure phase. Every view and endpoint of this app goes
through here; what a user may not see answers 404, like what does not exist.

Built on the case core's access (`cases.access`): departure work is done on the cases an
office's staff may change; money (agreements, the waiting list's order) is the
supervisors'; the IOM mission of the country of return sees the expected arrivals."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from avrr import rules
from avrr.roles import Role
from avrr.rules import AnyUser
from cases import access as case_access
from cases.departure.models import (
    Embassy,
    FundingAgreement,
    Leg,
    LpcRequest,
    Movement,
    MovementStatus,
    Ticket,
    TicketStatus,
    TravelDocument,
)
from cases.models import Case, CaseStatus


def can_work_on_departures(user: AnyUser) -> bool:
    """Office staff prepare departures: documents, bookings, departure day."""
    return rules.works_for_iom_office(user) is not None


def can_manage_funding(user: AnyUser) -> bool:
    """Supervisors (and admins) run the money: agreements, amendments, booking order."""
    return rules.has_role(user, Role.SUPERVISOR, Role.ADMIN)


def sees_funding_panel(user: AnyUser) -> bool:
    """An office's supervisors follow the money from their home page (admins administer)."""
    return rules.has_role(user, Role.SUPERVISOR)


def sees_departures(user: AnyUser) -> bool:
    """Office staff, who prepare departures, and admins: the one rule behind the departure
    pages' answers below. A mission abroad sees only its expected arrivals."""
    return can_work_on_departures(user) or rules.has_role(user, Role.ADMIN)


def can_change_departure(user: AnyUser, case: Case) -> bool:
    return case_access.can_change_case(user, case)


def agreements_for(user: AnyUser) -> QuerySet[FundingAgreement]:
    """Agreements are programme-wide: every office books on them."""
    if sees_departures(user):
        return FundingAgreement.objects.all()
    return FundingAgreement.objects.none()


def movements_for(user: AnyUser) -> QuerySet[Movement]:
    """An office's movements, for its staff (admins: all)."""
    if rules.has_role(user, Role.ADMIN):
        return Movement.objects.all()
    office = rules.works_for_iom_office(user)
    if office is None:
        return Movement.objects.none()
    return Movement.objects.filter(office=office)


# Travel documents ---------------------------------------------------------------------


def can_see_travel_documents(user: AnyUser) -> bool:
    return sees_departures(user)


def travel_documents_for(user: AnyUser) -> QuerySet[TravelDocument]:
    """The travel documents of the people of the cases the user may see (their office's)."""
    if not can_see_travel_documents(user):
        return TravelDocument.objects.none()
    return TravelDocument.objects.filter(person__case__in=case_access.cases_for(user))


def lpc_requests_for(user: AnyUser) -> QuerySet[LpcRequest]:
    """The laissez-passer requests of the people of the cases the user may see."""
    if not can_see_travel_documents(user):
        return LpcRequest.objects.none()
    return LpcRequest.objects.filter(person__case__in=case_access.cases_for(user))


def lpc_request_for(user: AnyUser, pk: int) -> LpcRequest:
    request = lpc_requests_for(user).select_related("person__case", "embassy").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def embassies_for(user: AnyUser) -> QuerySet[Embassy]:
    """The active embassies and consulates: reference data for whoever prepares departures."""
    if can_see_travel_documents(user):
        return Embassy.objects.filter(is_active=True)
    return Embassy.objects.none()


def can_write_letters(user: AnyUser) -> bool:
    """Office staff write to embassies about their office's cases (admins: any)."""
    return can_see_travel_documents(user)


def letter_cases_for(user: AnyUser) -> QuerySet[Case]:
    """The cases whose people the user may list in a letter to an embassy."""
    if not can_write_letters(user):
        return Case.objects.none()
    return case_access.cases_for(user)


# Funding ------------------------------------------------------------------------------


def can_see_funding(user: AnyUser) -> bool:
    """Office staff see the agreements and the waiting list; supervisors run them."""
    return sees_departures(user)


def agreement_for(user: AnyUser, pk: int) -> FundingAgreement:
    agreement = agreements_for(user).filter(pk=pk).select_related("funder").first()
    if agreement is None:
        raise Http404
    return agreement


def waiting_cases_for(user: AnyUser) -> QuerySet[Case]:
    """The cases whose place on the waiting list the user sees: their office's (admins:
    all). The mission abroad never sees a case before it departs."""
    if not can_see_funding(user):
        return Case.objects.none()
    return case_access.cases_for(user)


# Movements ----------------------------------------------------------------------------


def can_list_movements(user: AnyUser) -> bool:
    return sees_departures(user)


def can_change_movement(user: AnyUser, movement: Movement) -> bool:
    """The movement's office prepares it (admins: any)."""
    if rules.has_role(user, Role.ADMIN):
        return True
    office = rules.works_for_iom_office(user)
    return office is not None and office.pk == movement.office_id


def movement_for(user: AnyUser, pk: int) -> Movement:
    movement = movements_for(user).filter(pk=pk).select_related("office").first()
    if movement is None:
        raise Http404
    return movement


def tickets_for(user: AnyUser) -> QuerySet[Ticket]:
    """The tickets of the movements the user prepares."""
    return Ticket.objects.filter(movement__in=movements_for(user))


def ticket_for(user: AnyUser, pk: int) -> Ticket:
    ticket = (
        tickets_for(user)
        .filter(pk=pk)
        .select_related("movement", "person", "case", "reservation")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def bookable_cases_for(user: AnyUser, movement: Movement) -> QuerySet[Case]:
    """The office's `ready` cases, which a movement can take."""
    if not can_change_movement(user, movement):
        return Case.objects.none()
    return Case.objects.filter(office_id=movement.office_id, status=CaseStatus.READY)


def can_see_blocked_cases(user: AnyUser) -> bool:
    """A caseworker's (or supervisor's) own `ready` cases and what stops their departure."""
    return rules.works_for_iom_office(user) is not None


def blocked_cases_for(user: AnyUser) -> QuerySet[Case]:
    current = rules.active_user(user)
    if current is None or not can_see_blocked_cases(current):
        return Case.objects.none()
    return Case.objects.filter(
        office=rules.works_for_iom_office(current), assigned_to=current, status=CaseStatus.READY
    )


# The mission of the country of return -------------------------------------------------

# How long after landing the mission still sees a movement's travellers as arrivals.
ARRIVALS_SHOWN_DAYS = 14


def can_see_expected_arrivals(user: AnyUser) -> bool:
    return rules.mission_country(user) is not None


def expected_arrivals_for(user: AnyUser) -> QuerySet[Ticket]:
    """Who is coming to the mission's country: from the moment their ticket is booked until
    ARRIVALS_SHOWN_DAYS after the movement lands (the hand-over to reintegration)."""
    country = rules.mission_country(user)
    if country is None:
        return Ticket.objects.none()
    since = timezone.now() - timedelta(days=ARRIVALS_SHOWN_DAYS)
    landing = Leg.objects.filter(movement=OuterRef("movement"), arrives_at__gte=since)
    return Ticket.objects.filter(
        Exists(landing),
        status__in=[TicketStatus.BOOKED, TicketStatus.USED],
        movement__status__in=[MovementStatus.PLANNED, MovementStatus.DEPARTED],
        movement__destination_country=country,
    )


def all_waiting_cases() -> QuerySet[Case]:
    """Every office's cases, for the waiting list's size in people on a funds page: a
    count, never a name, as the money is programme-wide."""
    return Case.objects.all()
