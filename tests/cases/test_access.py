"""Who sees and changes which case; every service refuses those outside the case's office."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from pytest_django import Settings

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import Role
from cases import access
from cases.models import (
    Assistance,
    AssistanceKind,
    Attachment,
    Case,
    CaseStatus,
    CounsellingSession,
    Distribution,
    Person,
    Relationship,
    ReturnDeclaration,
    SensitiveNote,
)
from cases.services import (
    assistance_record,
    attachment_add,
    case_assign,
    case_transition,
    case_update,
    case_withdraw,
    counselling_record,
    declaration_record,
    distribution_record,
    duplicate_dismiss,
    duplicate_link,
    person_add,
    person_update,
    sensitive_note_add,
)
from tests.factories import UserFactory, child_data, pdf_upload, person_data, register_case

World = dict[str, Case]


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def principal_of(case: Case) -> Person:
    return Person.objects.select_related("case").get(
        case_id=case.pk, relationship=Relationship.PRINCIPAL
    )


def set_status(case: Case, status: CaseStatus) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def world(caseworker: User, other_office_caseworker: User) -> World:
    """Cases of two offices, some of them returned to Guinea or elsewhere."""
    cases: World = {
        "rabat_registered": register_case(caseworker),
        "rabat_gn_assisting": register_case(caseworker, person_data(given_name="Aminata")),
        "rabat_gn_departed": register_case(caseworker, person_data(given_name="Fanta")),
        "rabat_gn_reintegrating": register_case(caseworker, person_data(given_name="Kadiatou")),
        "rabat_gn_closed": register_case(caseworker, person_data(given_name="Oumou")),
        "rabat_gn_withdrawn": register_case(caseworker, person_data(given_name="Hawa")),
        # A Senegalese principal returning to Guinea: the country of return counts.
        "rabat_sn_to_gn_departed": register_case(
            caseworker, person_data(given_name="Awa", nationality="SN", country_of_return="GN")
        ),
        # Only the child returns to Guinea; the principal goes to Senegal.
        "rabat_child_to_gn_departed": register_case(
            caseworker,
            person_data(given_name="Coumba", nationality="SN"),
            child_data(country_of_return="GN"),
        ),
        "rabat_ci_departed": register_case(
            caseworker, person_data(family_name="Koné", given_name="Awa", nationality="CI")
        ),
        "oujda_registered": register_case(
            other_office_caseworker, person_data(family_name="Barry")
        ),
        "oujda_gn_closed": register_case(
            other_office_caseworker, person_data(family_name="Bah", given_name="Ousmane")
        ),
    }
    statuses = {
        "rabat_gn_assisting": CaseStatus.ASSISTING,
        "rabat_gn_departed": CaseStatus.DEPARTED,
        "rabat_gn_reintegrating": CaseStatus.REINTEGRATING,
        "rabat_gn_closed": CaseStatus.CLOSED,
        "rabat_gn_withdrawn": CaseStatus.WITHDRAWN,
        "rabat_sn_to_gn_departed": CaseStatus.DEPARTED,
        "rabat_child_to_gn_departed": CaseStatus.DEPARTED,
        "rabat_ci_departed": CaseStatus.DEPARTED,
        "oujda_gn_closed": CaseStatus.CLOSED,
    }
    for name, status in statuses.items():
        cases[name] = set_status(cases[name], status)
    return cases


RABAT = {
    "rabat_registered",
    "rabat_gn_assisting",
    "rabat_gn_departed",
    "rabat_gn_reintegrating",
    "rabat_gn_closed",
    "rabat_gn_withdrawn",
    "rabat_sn_to_gn_departed",
    "rabat_child_to_gn_departed",
    "rabat_ci_departed",
}
OUJDA = {"oujda_registered", "oujda_gn_closed"}
RETURNED_TO_GUINEA = {
    "rabat_gn_departed",
    "rabat_gn_reintegrating",
    "rabat_gn_closed",
    "rabat_sn_to_gn_departed",
    "oujda_gn_closed",
}
VISIBLE_CASES: dict[Role, set[str]] = {
    Role.CASEWORKER: RABAT,
    Role.SUPERVISOR: RABAT,
    Role.REINTEGRATION_OFFICER: RETURNED_TO_GUINEA,
    Role.MINISTRY_FOCAL_POINT: set(),
    Role.NGO_REFERRER: set(),
    Role.ADMIN: RABAT | OUJDA,
}


def names_of(cases: "list[Case]", world: World) -> set[str]:
    by_pk = {case.pk: name for name, case in world.items()}
    return {by_pk[case.pk] for case in cases}


# cases_for / case_for / people_for ----------------------------------------------------


def test_cases_for_each_persona(persona: User, world: World) -> None:
    visible = list(access.cases_for(persona))
    assert len(visible) == len({case.pk for case in visible})  # no duplicate rows
    assert names_of(visible, world) == VISIBLE_CASES[Role(persona.role)]


def test_other_office_caseworker_sees_none_of_rabat(
    other_office_caseworker: User, world: World
) -> None:
    assert names_of(list(access.cases_for(other_office_caseworker)), world) == OUJDA


def test_reintegration_officer_of_another_mission(world: World) -> None:
    senegal = Organisation.objects.create(
        name="Mission OIM Sénégal", code="SEN", kind=Organisation.Kind.IOM_MISSION, country="SN"
    )
    officer = UserFactory.create(
        username="reintegration.sn", role=Role.REINTEGRATION_OFFICER, organisation=senegal
    )
    assert names_of(list(access.cases_for(officer)), world) == {"rabat_child_to_gn_departed"}


def test_anonymous_and_deactivated_users_see_nothing(
    caseworker: User, office_rabat: Organisation, world: World
) -> None:
    assert not access.cases_for(AnonymousUser()).exists()
    office_rabat.is_active = False
    office_rabat.save(update_fields=["is_active"])
    caseworker.refresh_from_db()
    assert not access.cases_for(caseworker).exists()
    assert not access.can_change_case(caseworker, world["rabat_registered"])
    gone = UserFactory.create(
        username="caseworker.gone", role=Role.CASEWORKER, organisation=office_rabat
    )
    gone.is_active = False
    assert not access.cases_for(gone).exists()


def test_case_for_inside_and_outside_reach(
    caseworker: User,
    other_office_caseworker: User,
    reintegration_officer: User,
    ministry_focal_point: User,
    world: World,
) -> None:
    mine = world["rabat_registered"]
    assert access.case_for(caseworker, mine.pk) == mine
    for outsider in (other_office_caseworker, reintegration_officer, ministry_focal_point):
        with pytest.raises(Http404):
            access.case_for(outsider, mine.pk)
    assert access.case_for(reintegration_officer, world["rabat_gn_closed"].pk).pk == (
        world["rabat_gn_closed"].pk
    )
    with pytest.raises(Http404):
        access.case_for(caseworker, world["oujda_registered"].pk)
    with pytest.raises(Http404):
        access.case_for(caseworker, 999_999)


def test_people_for_follows_cases_for(
    caseworker: User, other_office_caseworker: User, ngo_referrer: User, world: World
) -> None:
    rabat_people = set(Person.objects.filter(case__office__code="RBA").values_list("pk", flat=True))
    assert set(access.people_for(caseworker).values_list("pk", flat=True)) == rabat_people
    assert not access.people_for(other_office_caseworker).filter(pk__in=rabat_people).exists()
    assert not access.people_for(ngo_referrer).exists()


# can_* --------------------------------------------------------------------------------

CAN_CHANGE: dict[Role, bool] = {
    Role.CASEWORKER: True,
    Role.SUPERVISOR: True,
    Role.REINTEGRATION_OFFICER: False,
    Role.MINISTRY_FOCAL_POINT: False,
    Role.NGO_REFERRER: False,
    Role.ADMIN: True,
}
CAN_REASSIGN: dict[Role, bool] = {
    Role.CASEWORKER: False,
    Role.SUPERVISOR: True,
    Role.REINTEGRATION_OFFICER: False,
    Role.MINISTRY_FOCAL_POINT: False,
    Role.NGO_REFERRER: False,
    Role.ADMIN: True,
}
CAN_REGISTER: dict[Role, bool] = {
    Role.CASEWORKER: True,
    Role.SUPERVISOR: True,
    Role.REINTEGRATION_OFFICER: False,
    Role.MINISTRY_FOCAL_POINT: False,
    Role.NGO_REFERRER: False,
    Role.ADMIN: False,
}


def test_can_change_case(persona: User, caseworker: User) -> None:
    case = register_case(caseworker)
    assert access.can_change_case(persona, case) is CAN_CHANGE[Role(persona.role)]


def test_returned_case_is_not_changed_by_the_mission(
    reintegration_officer: User, world: World
) -> None:
    closed = world["rabat_gn_closed"]
    assert access.case_for(reintegration_officer, closed.pk) == closed
    assert access.can_change_case(reintegration_officer, closed) is False


def test_can_change_case_of_another_office(
    other_office_caseworker: User, office_oujda: Organisation, caseworker: User
) -> None:
    case = register_case(caseworker)
    oujda_supervisor = UserFactory.create(
        username="supervisor.oujda", role=Role.SUPERVISOR, organisation=office_oujda
    )
    assert access.can_change_case(other_office_caseworker, case) is False
    assert access.can_change_case(oujda_supervisor, case) is False
    assert access.can_change_case(AnonymousUser(), case) is False


def test_can_reassign(persona: User, caseworker: User) -> None:
    case = register_case(caseworker)
    assert access.can_reassign(persona, case) is CAN_REASSIGN[Role(persona.role)]


def test_supervisor_of_another_office_cannot_reassign(
    office_oujda: Organisation, caseworker: User
) -> None:
    case = register_case(caseworker)
    oujda_supervisor = UserFactory.create(
        username="supervisor.oujda", role=Role.SUPERVISOR, organisation=office_oujda
    )
    assert access.can_reassign(oujda_supervisor, case) is False
    with pytest.raises(PermissionDenied):
        case_assign(actor=oujda_supervisor, case=case, assignee=oujda_supervisor)
    assert Case.objects.get(pk=case.pk).assigned_to == caseworker


def test_can_register_cases(persona: User) -> None:
    assert access.can_register_cases(persona) is CAN_REGISTER[Role(persona.role)]


def test_assignable_caseworkers_are_active_staff_of_the_office(
    caseworker: User,
    supervisor: User,
    admin_user: User,
    other_office_caseworker: User,
    office_rabat: Organisation,
) -> None:
    UserFactory.create(
        username="caseworker.gone", role=Role.CASEWORKER, organisation=office_rabat, is_active=False
    )
    colleague = UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )
    case = register_case(caseworker)
    assert set(access.assignable_caseworkers(case)) == {caseworker, supervisor, colleague}


# Sensitive notes ----------------------------------------------------------------------

SEES_NOTES: dict[Role, bool] = {
    Role.CASEWORKER: True,  # the persona is the case's assigned caseworker
    Role.SUPERVISOR: True,
    Role.REINTEGRATION_OFFICER: False,
    Role.MINISTRY_FOCAL_POINT: False,
    Role.NGO_REFERRER: False,
    Role.ADMIN: True,
}


def test_can_see_sensitive_notes(persona: User, caseworker: User) -> None:
    case = register_case(caseworker)
    note = sensitive_note_add(actor=caseworker, case=case, kind="medical", text="Diabète")
    expected = SEES_NOTES[Role(persona.role)]
    assert access.can_see_sensitive_notes(persona, case) is expected
    assert list(access.sensitive_notes_for(persona, case)) == ([note] if expected else [])


def test_mission_does_not_see_notes_of_a_returned_case(
    reintegration_officer: User, caseworker: User, world: World
) -> None:
    closed = world["rabat_gn_closed"]
    sensitive_note_add(actor=caseworker, case=closed, kind="trafficking", text="Victime")
    assert access.can_see_sensitive_notes(reintegration_officer, closed) is False
    assert not access.sensitive_notes_for(reintegration_officer, closed).exists()


def test_unassigned_colleague_of_the_same_office_sees_no_notes(
    caseworker: User, supervisor: User, office_rabat: Organisation
) -> None:
    colleague = UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )
    case = register_case(caseworker)
    note = sensitive_note_add(actor=caseworker, case=case, kind="psychosocial", text="Suivi")
    # The colleague works on the file, but not on its sensitive notes.
    assert access.can_change_case(colleague, case) is True
    assert access.can_see_sensitive_notes(colleague, case) is False
    assert list(access.sensitive_notes_for(colleague, case)) == []
    assert list(access.sensitive_notes_for(caseworker, case)) == [note]

    # Once the case is given to the colleague, the notes follow the assignment.
    case = case_assign(actor=supervisor, case=case, assignee=colleague)
    assert access.can_see_sensitive_notes(colleague, case) is True
    assert list(access.sensitive_notes_for(colleague, case)) == [note]
    assert access.can_see_sensitive_notes(caseworker, case) is False
    assert list(access.sensitive_notes_for(caseworker, case)) == []


def test_supervisor_of_another_office_sees_no_notes(
    caseworker: User, office_oujda: Organisation
) -> None:
    oujda_supervisor = UserFactory.create(
        username="supervisor.oujda", role=Role.SUPERVISOR, organisation=office_oujda
    )
    case = register_case(caseworker)
    sensitive_note_add(actor=caseworker, case=case, kind="medical", text="Diabète")
    assert access.can_see_sensitive_notes(oujda_supervisor, case) is False
    assert list(access.sensitive_notes_for(oujda_supervisor, case)) == []
    with pytest.raises(PermissionDenied):
        sensitive_note_add(actor=oujda_supervisor, case=case, kind="medical", text="Vu")
    assert SensitiveNote.objects.count() == 1


def test_other_office_sees_no_notes(caseworker: User, other_office_caseworker: User) -> None:
    case = register_case(caseworker)
    sensitive_note_add(actor=caseworker, case=case, kind="medical", text="Diabète")
    # Even when (wrongly) assigned to them, the case stays outside their office.
    Case.objects.filter(pk=case.pk).update(assigned_to=other_office_caseworker)
    case = Case.objects.get(pk=case.pk)
    assert access.can_see_sensitive_notes(other_office_caseworker, case) is False
    assert list(access.sensitive_notes_for(other_office_caseworker, case)) == []


# Services refuse users outside the case's office --------------------------------------

TRACKED_MODELS: tuple[type[Model], ...] = (
    Case,
    Person,
    Assistance,
    Distribution,
    CounsellingSession,
    Attachment,
    ReturnDeclaration,
    SensitiveNote,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TRACKED_MODELS}


ServiceCall = Callable[[User, Case], object]

SERVICES: dict[str, ServiceCall] = {
    "person_add": lambda actor, case: person_add(
        actor=actor, case=case, data=child_data(given_name="Fanta")
    ),
    "person_update": lambda actor, case: person_update(
        actor=actor, person=principal_of(case), expected_version=1, changes={"phone": "1"}
    ),
    "case_update": lambda actor, case: case_update(
        actor=actor, case=case, expected_version=1, changes={"priority": 2}
    ),
    "case_assign": lambda actor, case: case_assign(
        actor=actor, case=case, assignee=case.assigned_to or actor
    ),
    "case_transition": lambda actor, case: case_transition(
        actor=actor, case=case, to_status=CaseStatus.ASSISTING
    ),
    "case_withdraw": lambda actor, case: case_withdraw(actor=actor, case=case, reason="Reste"),
    "assistance_record": lambda actor, case: assistance_record(
        actor=actor,
        person=principal_of(case),
        kind=AssistanceKind.FOOD_KIT,
        given_on=timezone.localdate(),
    ),
    "distribution_record": lambda actor, case: distribution_record(
        actor=actor,
        kind=AssistanceKind.FOOD_KIT,
        given_on=timezone.localdate(),
        people=[principal_of(case)],
    ),
    "counselling_record": lambda actor, case: counselling_record(
        actor=actor, case=case, held_on=timezone.localdate(), topics="Retour"
    ),
    "attachment_add": lambda actor, case: attachment_add(
        actor=actor, case=case, kind=Attachment.Kind.OTHER, upload=pdf_upload()
    ),
    "declaration_record": lambda actor, case: declaration_record(
        actor=actor,
        case=case,
        signatory=principal_of(case),
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
    ),
    "sensitive_note_add": lambda actor, case: sensitive_note_add(
        actor=actor, case=case, kind="medical", text="Asthme"
    ),
    "duplicate_link": lambda actor, case: duplicate_link(
        actor=actor,
        person=principal_of(case),
        known_person=Person.objects.exclude(case=case).get(given_name="Mariama"),
    ),
    "duplicate_dismiss": lambda actor, case: duplicate_dismiss(
        actor=actor, person=principal_of(case)
    ),
}


@pytest.mark.parametrize(
    "outsider",
    ["other_office_caseworker", "reintegration_officer", "ministry_focal_point", "ngo_referrer"],
)
@pytest.mark.parametrize("service", list(SERVICES))
def test_services_refuse_users_outside_the_office(
    request: pytest.FixtureRequest,
    caseworker: User,
    media_root: Path,
    service: str,
    outsider: str,
) -> None:
    actor: User = request.getfixturevalue(outsider)
    register_case(caseworker, registered_on=date(2024, 5, 1))  # an earlier registration
    case = register_case(caseworker)
    assert principal_of(case).duplicate_review == "pending"
    before = row_counts()
    with pytest.raises(PermissionDenied):
        SERVICES[service](actor, case)
    assert row_counts() == before
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version, stored.priority) == (CaseStatus.REGISTERED, 1, 0)
    person = principal_of(case)
    assert (person.version, person.duplicate_review) == (1, "pending")
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
