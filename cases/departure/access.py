"""Who may see and do what in the departure phase. Every view and endpoint of this app goes
through here; what a user may not see answers 404, like what does not exist.

Built on the case core's access (`cases.access`): departure work is done on the cases an
office's staff may change; money (agreements, the waiting list's order) is the
supervisors'; the IOM mission of the country of return sees the expected arrivals."""

from django.db.models import QuerySet
from django.http import Http404

from avrr import rules
from avrr.roles import Role
from avrr.rules import AnyUser
from cases import access as case_access
from cases.departure.models import (
    Embassy,
    FundingAgreement,
    LpcRequest,
    Movement,
    TravelDocument,
)
from cases.models import Case


def can_work_on_departures(user: AnyUser) -> bool:
    """Office staff prepare departures: documents, bookings, departure day."""
    return rules.works_for_iom_office(user) is not None


def can_manage_funding(user: AnyUser) -> bool:
    """Supervisors (and admins) run the money: agreements, amendments, booking order."""
    return rules.has_role(user, Role.SUPERVISOR, Role.ADMIN)


def can_change_departure(user: AnyUser, case: Case) -> bool:
    return case_access.can_change_case(user, case)


def agreements_for(user: AnyUser) -> QuerySet[FundingAgreement]:
    """Agreements are programme-wide: every office books on them."""
    if can_work_on_departures(user) or rules.has_role(user, Role.ADMIN):
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
    """Office staff, who prepare departures, and admins; a mission abroad needs them not."""
    return can_work_on_departures(user) or rules.has_role(user, Role.ADMIN)


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
