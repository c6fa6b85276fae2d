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
from cases.departure.models import FundingAgreement, Movement
from cases.models import Case


def can_work_on_departures(user: AnyUser) -> bool:
    """Office staff prepare departures: documents, bookings, departure day."""
    return rules.works_for_iom_office(user) is not None


def can_manage_funding(user: AnyUser) -> bool:
    """Supervisors (and admins) run the money: agreements, amendments, booking order."""
    return rules.has_role(user, Role.SUPERVISOR, Role.ADMIN)


def sees_funding_panel(user: AnyUser) -> bool:
    """An office's supervisors follow the money from their home page (admins administer)."""
    return rules.has_role(user, Role.SUPERVISOR)


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


def can_see_funding(user: AnyUser) -> bool:
    """Office staff see the agreements and the waiting list; supervisors run them."""
    return can_work_on_departures(user) or rules.has_role(user, Role.ADMIN)


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


def all_waiting_cases() -> QuerySet[Case]:
    """Every office's cases, for the waiting list's size in people on a funds page: a
    count, never a name, as the money is programme-wide."""
    return Case.objects.all()
