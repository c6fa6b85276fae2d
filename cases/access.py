"""Who may see and change which case. Every view and endpoint of this app goes through here.

An object a user may not see is answered exactly like one that does not exist (404).
"""

from django.db.models import QuerySet
from django.http import Http404

from avrr import rules
from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.rules import AnyUser
from cases.models import (
    PRE_DEPARTURE_STATUSES,
    RETURNED_STATUSES,
    Assistance,
    Attachment,
    Case,
    DuplicateLinkRequest,
    LinkRequestStatus,
    Person,
    SensitiveNote,
)


def cases_for(user: AnyUser) -> QuerySet[Case]:
    """The cases whose people the user may see."""
    if rules.has_role(user, Role.ADMIN):
        return Case.objects.all()
    office = rules.works_for_iom_office(user)
    if office is not None:
        return Case.objects.filter(office=office)
    country = rules.mission_country(user)
    if country is not None:
        # A mission abroad follows the people who returned to its country.
        return Case.objects.filter(
            status__in=RETURNED_STATUSES,
            people__relationship="principal",
            people__country_of_return=country,
        )
    return Case.objects.none()


def can_list_cases(user: AnyUser) -> bool:
    """Ministries and partner NGOs never browse cases."""
    return rules.sees_personal_data(user)


def case_for(user: AnyUser, pk: int) -> Case:
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def attachment_for(user: AnyUser, *, case_pk: int, pk: int) -> Attachment:
    """An attachment of a case the user may see."""
    attachment = Attachment.objects.filter(case__in=cases_for(user), case_id=case_pk, pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def people_for(user: AnyUser) -> QuerySet[Person]:
    return Person.objects.filter(case__in=cases_for(user))


def person_for(user: AnyUser, *, case_pk: int, pk: int) -> Person:
    """A person of a case the user may see, with their case."""
    person = people_for(user).filter(case_id=case_pk, pk=pk).select_related("case").first()
    if person is None:
        raise Http404
    return person


def assistance_for(user: AnyUser) -> QuerySet[Assistance]:
    """The assistance given to the people of the cases the user may see."""
    return Assistance.objects.filter(case__in=cases_for(user))


def can_register_cases(user: AnyUser) -> bool:
    return rules.works_for_iom_office(user) is not None


def can_change_case(user: AnyUser, case: Case) -> bool:
    """Caseworkers and supervisors of the case's office (and admins) work on its file."""
    if rules.has_role(user, Role.ADMIN):
        return True
    office = rules.works_for_iom_office(user)
    return office is not None and office.pk == case.office_id


def can_change_pre_departure(user: AnyUser, case: Case) -> bool:
    """The people, assistance and declaration of a case change until it departs."""
    return case.status in PRE_DEPARTURE_STATUSES and can_change_case(user, case)


def can_reassign(user: AnyUser, case: Case) -> bool:
    if rules.has_role(user, Role.ADMIN):
        return True
    return rules.has_role(user, Role.SUPERVISOR) and can_change_case(user, case)


def can_see_caseload(user: AnyUser) -> bool:
    return rules.has_role(user, Role.SUPERVISOR, Role.ADMIN)


def can_see_sensitive_notes(user: AnyUser, case: Case) -> bool:
    """Only the case's own caseworker, supervisors of its office and admins."""
    current = rules.active_user(user)
    if current is None or not can_change_case(current, case):
        return False
    if current.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    return case.assigned_to_id == current.pk


def sensitive_notes_for(user: AnyUser, case: Case) -> QuerySet[SensitiveNote]:
    if not can_see_sensitive_notes(user, case):
        return SensitiveNote.objects.none()
    return case.sensitive_notes.select_related("author")


def assignable_caseworkers_of(office: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        organisation=office,
        role__in=[Role.CASEWORKER, Role.SUPERVISOR],
        is_active=True,
    ).order_by("last_name", "first_name")


def assignable_caseworkers(case: Case) -> QuerySet[User]:
    return assignable_caseworkers_of(case.office)


def offices_for(user: AnyUser) -> QuerySet[Organisation]:
    """The offices whose cases the user may filter on."""
    offices = Organisation.objects.filter(kind=Organisation.Kind.IOM_OFFICE)
    if rules.has_role(user, Role.ADMIN):
        return offices
    office = rules.works_for_iom_office(user)
    return offices.filter(pk=office.pk) if office is not None else offices.none()


def can_filter_by_office(user: AnyUser) -> bool:
    """Office staff and admins; a mission abroad follows returnees whatever their office."""
    return rules.has_role(user, Role.ADMIN) or rules.works_for_iom_office(user) is not None


def can_filter_by_caseworker(user: AnyUser) -> bool:
    """Office staff and admins; a mission abroad does not work with the offices' staff."""
    return rules.has_role(user, Role.ADMIN) or rules.works_for_iom_office(user) is not None


def can_filter_own_cases(user: AnyUser) -> bool:
    """Only office staff are assigned cases, so only they have "my cases"."""
    return rules.works_for_iom_office(user) is not None


def caseworkers_for(user: AnyUser) -> QuerySet[User]:
    """The caseworkers the user may filter cases by."""
    staff = User.objects.filter(role__in=[Role.CASEWORKER, Role.SUPERVISOR], is_active=True)
    return staff.filter(organisation__in=offices_for(user)).order_by("last_name", "first_name")


# People known to another office: that office confirms the link.


def link_requests_for(user: AnyUser) -> QuerySet[DuplicateLinkRequest]:
    """Requests about people of the user's office, for its supervisors to answer (admins:
    all). The requesting office's person is shown to them: they cannot answer otherwise."""
    requests = DuplicateLinkRequest.objects.all()
    if rules.has_role(user, Role.ADMIN):
        return requests
    office = rules.works_for_iom_office(user)
    if office is None or not rules.has_role(user, Role.SUPERVISOR):
        return requests.none()
    return requests.filter(known_person__case__office=office)


def link_request_for(user: AnyUser, pk: int) -> DuplicateLinkRequest:
    link_request = (
        link_requests_for(user)
        .filter(pk=pk)
        .select_related("person__case__office", "known_person__case__office", "requested_by")
        .first()
    )
    if link_request is None:
        raise Http404
    return link_request


def can_decide_link_request(user: AnyUser, link_request: DuplicateLinkRequest) -> bool:
    return link_requests_for(user).filter(pk=link_request.pk).exists()


def can_answer_link_request(user: AnyUser, link_request: DuplicateLinkRequest) -> bool:
    """Whether the page offers to answer: a request is answered once."""
    return link_request.status == LinkRequestStatus.PENDING and can_decide_link_request(
        user, link_request
    )


def can_see_case(user: AnyUser, case: Case) -> bool:
    return cases_for(user).filter(pk=case.pk).exists()


# Who sees which panel of the home page.


def can_see_worklist(user: AnyUser) -> bool:
    """Caseworkers and supervisors are assigned cases: their home lists those waiting on them."""
    return rules.works_for_iom_office(user) is not None


def can_oversee_office(user: AnyUser) -> bool:
    """A supervisor watches the office's overdue steps and the team's open cases."""
    return rules.has_role(user, Role.SUPERVISOR) and rules.works_for_iom_office(user) is not None


def can_see_returnees(user: AnyUser) -> bool:
    """A mission abroad follows the people who returned to its country."""
    return rules.mission_country(user) is not None
