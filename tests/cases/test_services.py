"""The cases app's services: registration, edits, assistance, uploads, duplicates, audit."""

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import Settings

from avrr.errors import EditConflict
from avrr.models import AuditEvent, Organisation, Sequence, User
from avrr.roles import Role
from avrr.uploads import MAX_UPLOAD_BYTES
from cases.models import (
    Assistance,
    AssistanceKind,
    Attachment,
    BirthDatePrecision,
    Case,
    CaseStatus,
    CounsellingSession,
    Distribution,
    DuplicateReview,
    JusticeDecision,
    Person,
    Priority,
    Relationship,
    ReturnDeclaration,
    SensitiveNote,
    Vulnerability,
)
from cases.selectors import CaseFilter, duplicate_candidates
from cases.services import (
    CASE_NUMBERS,
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

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TEXT_BYTES = b"Camara Mariama, nee le 14/03/1995, passeport GN123456\n"
GIF_BYTES = b"GIF89a" + b"\x00" * 64

TRACKED_MODELS: tuple[type[Model], ...] = (
    Case,
    Person,
    Vulnerability,
    Assistance,
    Distribution,
    CounsellingSession,
    Attachment,
    ReturnDeclaration,
    SensitiveNote,
    AuditEvent,
)


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def case(caseworker: User) -> Case:
    """A mother and her son, registered by the Rabat caseworker."""
    return register_case(caseworker, person_data(), child_data())


def principal_of(case: Case) -> Person:
    """Read afresh, with the case as it is now in the database."""
    return Person.objects.select_related("case").get(
        case_id=case.pk, relationship=Relationship.PRINCIPAL
    )


def child_of(case: Case) -> Person:
    return Person.objects.select_related("case").get(
        case_id=case.pk, relationship=Relationship.CHILD
    )


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TRACKED_MODELS}


def case_events(case: Case, action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(
        scope_type=ContentType.objects.get_for_model(Case), scope_id=str(case.pk)
    )
    if action is not None:
        events = events.filter(action=action)
    return list(events.order_by("id"))


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def minor_birth_date(today: date, age: int = 15) -> date:
    return date(today.year - age, 1, 10)


# Registration -------------------------------------------------------------------------


def test_case_number_format_and_sequence(caseworker: User) -> None:
    first = register_case(caseworker, registered_on=date(2025, 3, 1))
    second = register_case(
        caseworker, person_data(given_name="Aminata"), registered_on=date(2025, 5, 2)
    )
    next_year = register_case(
        caseworker, person_data(given_name="Fanta"), registered_on=date(2026, 1, 5)
    )
    assert first.number == "MA-RBA-2025-000001"
    assert second.number == "MA-RBA-2025-000002"
    assert next_year.number == "MA-RBA-2026-000001"
    assert re.fullmatch(r"MA-RBA-\d{4}-\d{6}", first.number)
    assert (
        Sequence.objects.get(
            organisation=caseworker.organisation, name=CASE_NUMBERS, year=2025
        ).last_value
        == 2
    )


def test_each_office_numbers_its_own_cases(caseworker: User, other_office_caseworker: User) -> None:
    rabat = register_case(caseworker, registered_on=date(2025, 3, 1))
    oujda = register_case(other_office_caseworker, registered_on=date(2025, 3, 1))
    assert rabat.number == "MA-RBA-2025-000001"
    assert oujda.number == "MA-OUJ-2025-000001"
    assert oujda.office == other_office_caseworker.organisation


def test_registration_stores_the_case_and_its_people(caseworker: User, ngo: Organisation) -> None:
    case = register_case(
        caseworker,
        person_data(
            family_name="  Camara ",
            given_name=" Mariama ",
            id_document_number=" gn123456 ",
            travel_document_number="p998877",
            phone=" +212 600 000 000 ",
            vulnerabilities=["single_parent", "medical_condition", "single_parent"],
        ),
        child_data(country_of_return="SN"),
        registered_on=date(2025, 3, 1),
        referral_source="ngo",
        referring_organisation=ngo,
        priority=Priority.HIGH,
    )
    case.refresh_from_db()
    assert case.office.code == "RBA"
    assert case.assigned_to == caseworker
    assert case.status == CaseStatus.REGISTERED
    assert case.registered_on == date(2025, 3, 1)
    assert case.referral_source == "ngo"
    assert case.referring_organisation == ngo
    assert case.priority == Priority.HIGH
    assert case.version == 1

    principal, child = principal_of(case), child_of(case)
    assert case.people.count() == 2
    assert principal.family_name == "Camara"
    assert principal.given_name == "Mariama"
    assert principal.phone == "+212 600 000 000"
    assert principal.name_key == "camara mariama"
    assert principal.id_document_number == "GN123456"
    assert principal.travel_document_number == "P998877"
    assert principal.birth_date == date(1995, 3, 14)
    assert principal.birth_date_precision == BirthDatePrecision.EXACT
    # The country of return defaults to the nationality.
    assert principal.country_of_return == "GN"
    assert child.country_of_return == "SN"
    assert child.relationship == Relationship.CHILD
    assert principal.duplicate_review == DuplicateReview.NONE
    assert sorted(principal.vulnerabilities.values_list("code", flat=True)) == [
        "medical_condition",
        "single_parent",
    ]
    assert not child.vulnerabilities.exists()


def test_registration_may_name_another_caseworker(caseworker: User, supervisor: User) -> None:
    case = register_case(supervisor, assigned_to=caseworker)
    assert case.assigned_to == caseworker


def test_registration_refuses_an_assignee_outside_the_office(
    caseworker: User, other_office_caseworker: User, ministry_focal_point: User
) -> None:
    for outsider in (other_office_caseworker, ministry_focal_point):
        with pytest.raises(ValidationError):
            register_case(caseworker, assigned_to=outsider)
    assert Case.objects.count() == 0


def test_birth_year_only_gives_1_july(caseworker: User) -> None:
    case = register_case(
        caseworker, person_data(birth_date=None, birth_year=1990), registered_on=date(2025, 3, 1)
    )
    person = principal_of(case)
    assert person.birth_date == date(1990, 7, 1)
    assert person.birth_date_precision == BirthDatePrecision.YEAR


def test_age_gives_an_estimated_birth_date_that_keeps_the_age(caseworker: User) -> None:
    case = register_case(
        caseworker, person_data(birth_date=None, age=30), registered_on=date(2024, 9, 15)
    )
    person = principal_of(case)
    # Born between 16 Sept 1993 and 15 Sept 1994: the middle of that year is taken.
    assert person.birth_date == date(1994, 3, 17)
    assert person.birth_date_precision == BirthDatePrecision.YEAR
    assert person.age_on(case.registered_on) == 30


def test_age_is_kept_for_a_registration_before_july(caseworker: User) -> None:
    case = register_case(
        caseworker, person_data(birth_date=None, age=30), registered_on=date(2025, 3, 1)
    )
    assert principal_of(case).age_on(date(2025, 3, 1)) == 30


def test_an_18_year_old_by_age_is_not_an_unaccompanied_minor(caseworker: User) -> None:
    with pytest.raises(ValidationError):
        register_case(
            caseworker,
            person_data(birth_date=None, age=18, vulnerabilities=["unaccompanied_minor"]),
            registered_on=date(2025, 3, 1),
        )


def test_an_18_year_old_by_birth_date_is_not_an_unaccompanied_minor(caseworker: User) -> None:
    with pytest.raises(ValidationError, match="ce n'est pas un mineur"):
        register_case(
            caseworker,
            person_data(birth_date=date(2007, 3, 1), vulnerabilities=["unaccompanied_minor"]),
            registered_on=date(2025, 3, 1),
        )
    assert Case.objects.count() == 0


def test_missing_birth_information_is_refused(caseworker: User) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        register_case(caseworker, person_data(birth_date=None))
    assert excinfo.value.messages == [
        "CAMARA Mariama : la date ou l'année de naissance, ou l'âge, est requis."
    ]
    assert row_counts() == before
    assert not Sequence.objects.exists()


def test_birth_date_in_the_future_is_refused(caseworker: User) -> None:
    with pytest.raises(ValidationError, match="dans le futur"):
        register_case(
            caseworker,
            person_data(),
            child_data(birth_date=date(2025, 3, 2)),
            registered_on=date(2025, 3, 1),
        )
    assert Case.objects.count() == 0


def test_a_case_needs_a_principal(caseworker: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        register_case(caseworker, person_data(relationship="spouse"), child_data())
    assert excinfo.value.messages == ["Un dossier a exactement un·e demandeur·se principal·e."]
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


def test_a_case_has_only_one_principal(caseworker: User) -> None:
    with pytest.raises(ValidationError, match="exactement un·e demandeur·se principal·e"):
        register_case(caseworker, person_data(), person_data(given_name="Aminata"))
    assert Case.objects.count() == 0


def test_unknown_vulnerability_is_refused(caseworker: User) -> None:
    with pytest.raises(ValidationError, match="Vulnérabilité inconnue : smuggled"):
        register_case(caseworker, person_data(vulnerabilities=["smuggled"]))
    assert Vulnerability.objects.count() == 0


@pytest.mark.parametrize("code", ["unaccompanied_minor", "separated_child"])
def test_unaccompanied_minor_is_registered_alone(caseworker: User, code: str, today: date) -> None:
    case = register_case(
        caseworker,
        person_data(
            family_name="Diallo",
            given_name="Mamadou",
            sex="M",
            birth_date=minor_birth_date(today),
            vulnerabilities=[code],
        ),
    )
    assert list(principal_of(case).vulnerabilities.values_list("code", flat=True)) == [code]


@pytest.mark.parametrize("code", ["unaccompanied_minor", "separated_child"])
def test_unaccompanied_minor_cannot_share_a_case(caseworker: User, code: str, today: date) -> None:
    with pytest.raises(ValidationError, match="forme un dossier à lui seul"):
        register_case(
            caseworker,
            person_data(birth_date=minor_birth_date(today), vulnerabilities=[code]),
            child_data(relationship="sibling", birth_date=minor_birth_date(today, 12)),
        )
    assert Case.objects.count() == 0


@pytest.mark.parametrize("code", ["unaccompanied_minor", "separated_child"])
def test_unaccompanied_minor_must_be_under_18(caseworker: User, code: str) -> None:
    with pytest.raises(ValidationError, match="a 18 ans ou plus : ce n'est pas un mineur"):
        register_case(caseworker, person_data(vulnerabilities=[code]))
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "fixture", ["admin_user", "reintegration_officer", "ministry_focal_point", "ngo_referrer"]
)
def test_only_office_staff_register_cases(request: pytest.FixtureRequest, fixture: str) -> None:
    actor: User = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        register_case(actor)
    assert Case.objects.count() == 0


def test_invalid_field_after_numbering_rolls_everything_back(caseworker: User) -> None:
    before = row_counts()
    with pytest.raises(ValidationError):
        register_case(caseworker, person_data(sex="X"))
    with pytest.raises(ValidationError):
        register_case(caseworker, referral_source="carrier_pigeon")
    assert row_counts() == before


def test_registration_is_audited(caseworker: User) -> None:
    case = register_case(caseworker, person_data(vulnerabilities=["pregnant"]), child_data())
    (created,) = case_events(case, "case.create")
    assert created.actor == caseworker
    assert created.changes == {"number": case.number, "office": "RBA"}
    people = case_events(case, "person.create")
    assert len(people) == 2
    assert {event.target_id for event in people} == {
        str(pk) for pk in case.people.values_list("pk", flat=True)
    }
    assert people[0].changes == {"vulnerabilities": ["pregnant"]}


# Adding and changing people -----------------------------------------------------------


def test_person_add(case: Case, caseworker: User) -> None:
    spouse = person_add(
        actor=caseworker,
        case=case,
        data=person_data(
            family_name="Soumah",
            given_name="Alpha",
            sex="M",
            relationship="spouse",
            birth_date=None,
            birth_year=1990,
            vulnerabilities=["disability"],
        ),
    )
    spouse.refresh_from_db()
    assert spouse.case == case
    assert spouse.relationship == Relationship.SPOUSE
    assert spouse.birth_date == date(1990, 7, 1)
    assert spouse.name_key == "alpha soumah"
    assert list(spouse.vulnerabilities.values_list("code", flat=True)) == ["disability"]
    assert case.people.count() == 3
    (event,) = case_events(case, "person.create")[-1:]
    assert event.target_id == str(spouse.pk)


def test_person_add_refuses_a_second_principal(case: Case, caseworker: User) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="exactement un·e demandeur·se principal·e"):
        person_add(actor=caseworker, case=case, data=person_data(given_name="Aminata"))
    assert row_counts() == before


def test_person_add_refuses_missing_birth_information(case: Case, caseworker: User) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="ou l'âge, est requis"):
        person_add(actor=caseworker, case=case, data=child_data(birth_date=None))
    assert row_counts() == before


def test_person_add_to_an_unaccompanied_minor_case_is_refused(
    caseworker: User, today: date
) -> None:
    case = register_case(
        caseworker,
        person_data(birth_date=minor_birth_date(today), vulnerabilities=["unaccompanied_minor"]),
    )
    before = row_counts()
    with pytest.raises(ValidationError, match="forme un dossier à lui seul"):
        person_add(actor=caseworker, case=case, data=child_data(relationship="sibling"))
    assert row_counts() == before


@pytest.mark.parametrize("code", ["unaccompanied_minor", "separated_child"])
def test_person_add_of_an_unaccompanied_minor_to_a_family_is_refused(
    case: Case, caseworker: User, code: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="forme un dossier à lui seul"):
        person_add(
            actor=caseworker,
            case=case,
            data=child_data(given_name="Fanta", relationship="other", vulnerabilities=[code]),
        )
    assert row_counts() == before


def test_person_add_refused_after_withdrawal(case: Case, caseworker: User) -> None:
    case = case_withdraw(actor=caseworker, case=case, reason="Souhaite rester")
    with pytest.raises(ValidationError, match="Désisté"):
        person_add(actor=caseworker, case=case, data=child_data(given_name="Fanta"))
    assert case.people.count() == 2


def test_person_update_with_the_current_version(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    updated = person_update(
        actor=caseworker,
        person=person,
        expected_version=1,
        changes={"given_name": "Mariam", "phone": "0600"},
    )
    assert updated.version == 2
    stored = Person.objects.get(pk=person.pk)
    assert stored.given_name == "Mariam"
    assert stored.phone == "0600"
    assert stored.version == 2
    assert stored.name_key == "camara mariam"
    (event,) = case_events(case, "person.update")
    assert event.target_id == str(person.pk)
    assert event.changes == {"given_name": ["Mariama", "Mariam"], "phone": ["", "0600"]}


def test_person_update_with_a_stale_version_conflicts(case: Case, caseworker: User) -> None:
    loaded_by_me = principal_of(case)
    loaded_by_colleague = principal_of(case)
    person_update(
        actor=caseworker,
        person=loaded_by_colleague,
        expected_version=1,
        changes={"occupation": "Couturière"},
    )
    with pytest.raises(EditConflict) as excinfo:
        person_update(
            actor=caseworker,
            person=loaded_by_me,
            expected_version=1,
            changes={"occupation": "Commerçante", "given_name": "Mariam"},
        )
    current = excinfo.value.current
    assert isinstance(current, Person)
    assert current.pk == loaded_by_me.pk
    assert current.version == 2
    assert current.occupation == "Couturière"
    assert str(excinfo.value) == "Quelqu'un d'autre a modifié cette fiche entre-temps."
    stored = Person.objects.get(pk=loaded_by_me.pk)
    assert (stored.occupation, stored.given_name, stored.version) == ("Couturière", "Mariama", 2)
    assert stored.name_key == "camara mariama"
    assert len(case_events(case, "person.update")) == 1


def test_person_update_refuses_fields_not_editable(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    with pytest.raises(ValidationError, match="Champs non modifiables : case, relationship"):
        person_update(
            actor=caseworker,
            person=person,
            expected_version=1,
            changes={"relationship": "spouse", "case": case},
        )
    stored = Person.objects.get(pk=person.pk)
    assert (stored.relationship, stored.version) == (Relationship.PRINCIPAL, 1)
    assert not case_events(case, "person.update")


def test_person_update_refuses_invalid_values(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    with pytest.raises(ValidationError):
        person_update(actor=caseworker, person=person, expected_version=1, changes={"sex": "X"})
    stored = Person.objects.get(pk=person.pk)
    assert (stored.sex, stored.version) == ("F", 1)
    assert not case_events(case, "person.update")


def test_person_update_refuses_a_birth_date_in_the_future(
    case: Case, caseworker: User, today: date
) -> None:
    person = principal_of(case)
    with pytest.raises(ValidationError):
        person_update(
            actor=caseworker,
            person=person,
            expected_version=1,
            changes={"birth_date": today + timedelta(days=30)},
        )
    assert Person.objects.get(pk=person.pk).birth_date == date(1995, 3, 14)


def test_person_update_normalises_document_numbers(
    case: Case, caseworker: User, rf: RequestFactory
) -> None:
    person = principal_of(case)
    person_update(
        actor=caseworker,
        person=person,
        expected_version=1,
        changes={"id_document_number": " gn777888 "},
    )
    assert Person.objects.get(pk=person.pk).id_document_number == "GN777888"
    request = rf.get("/")
    request.user = caseworker
    found = CaseFilter({"q": "GN777888"}, queryset=Case.objects.all(), request=request).qs
    assert list(found) == [case]


# Case edits and assignment ------------------------------------------------------------


def test_case_update_with_the_current_version(case: Case, caseworker: User) -> None:
    case_update(
        actor=caseworker,
        case=case,
        expected_version=1,
        changes={"priority": Priority.URGENT, "referral_source": "authority"},
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.priority == Priority.URGENT
    assert stored.referral_source == "authority"
    assert stored.version == 2
    (event,) = case_events(case, "case.update")
    assert event.changes == {"priority": ["0", "2"], "referral_source": ["walk_in", "authority"]}


def test_case_update_with_a_stale_version_conflicts(case: Case, caseworker: User) -> None:
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    case_update(actor=caseworker, case=theirs, expected_version=1, changes={"priority": 1})
    with pytest.raises(EditConflict) as excinfo:
        case_update(actor=caseworker, case=mine, expected_version=1, changes={"priority": 2})
    current = excinfo.value.current
    assert isinstance(current, Case)
    assert (current.pk, current.version, current.priority) == (case.pk, 2, 1)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.priority, stored.version) == (1, 2)
    assert len(case_events(case, "case.update")) == 1


def test_case_update_cannot_change_the_status(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError, match="Champs non modifiables : status"):
        case_update(actor=caseworker, case=case, expected_version=1, changes={"status": "ready"})
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (CaseStatus.REGISTERED, 1)


def test_authorising_justice_decision_needs_a_date(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError, match="doit être datée"):
        case_update(
            actor=caseworker,
            case=case,
            expected_version=1,
            changes={"justice_decision": JusticeDecision.RETURN_AUTHORISED},
        )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.justice_decision, stored.version) == ("", 1)
    case_update(
        actor=caseworker,
        case=case,
        expected_version=1,
        changes={
            "justice_decision": JusticeDecision.RETURN_AUTHORISED,
            "justice_decision_on": date(2025, 4, 1),
            "justice_reference": "TPI-RBA-2025/77",
        },
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.justice_decision == JusticeDecision.RETURN_AUTHORISED
    assert stored.justice_decision_on == date(2025, 4, 1)
    assert stored.justice_reference == "TPI-RBA-2025/77"


def test_case_update_refuses_invalid_choice(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError):
        case_update(actor=caseworker, case=case, expected_version=1, changes={"priority": 9})
    stored = Case.objects.get(pk=case.pk)
    assert (stored.priority, stored.version) == (Priority.NORMAL, 1)
    assert not case_events(case, "case.update")


def test_supervisor_assigns_to_a_colleague_of_the_office(
    case: Case, supervisor: User, office_rabat: Organisation
) -> None:
    colleague = UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )
    case_assign(actor=supervisor, case=case, assignee=colleague)
    assert Case.objects.get(pk=case.pk).assigned_to == colleague
    (event,) = case_events(case, "case.assign")
    assert event.actor == supervisor
    assert event.changes == {"assigned_to": ["caseworker", "caseworker.two"]}


def test_admin_may_assign(case: Case, admin_user: User, supervisor: User) -> None:
    case_assign(actor=admin_user, case=case, assignee=supervisor)
    assert Case.objects.get(pk=case.pk).assigned_to == supervisor


def test_caseworker_may_not_assign(
    case: Case, caseworker: User, office_rabat: Organisation
) -> None:
    colleague = UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )
    with pytest.raises(PermissionDenied):
        case_assign(actor=caseworker, case=case, assignee=colleague)
    assert Case.objects.get(pk=case.pk).assigned_to == caseworker
    assert not case_events(case, "case.assign")


def test_assignee_must_work_in_the_case_office(
    case: Case,
    supervisor: User,
    other_office_caseworker: User,
    ministry_focal_point: User,
    office_rabat: Organisation,
) -> None:
    inactive = UserFactory.create(
        username="caseworker.gone", role=Role.CASEWORKER, organisation=office_rabat, is_active=False
    )
    for assignee in (other_office_caseworker, ministry_focal_point, inactive):
        with pytest.raises(ValidationError, match="ne travaille pas dans le bureau du dossier"):
            case_assign(actor=supervisor, case=case, assignee=assignee)
    assert Case.objects.get(pk=case.pk).assigned_to.username == "caseworker"  # type: ignore[union-attr]
    assert not case_events(case, "case.assign")


# Assistance ---------------------------------------------------------------------------


def test_assistance_record(case: Case, caseworker: User, today: date, ngo: Organisation) -> None:
    person = principal_of(case)
    assistance = assistance_record(
        actor=caseworker,
        person=person,
        kind=AssistanceKind.PURCHASE_VOUCHER,
        given_on=today,
        quantity=2,
        value=Decimal("250.00"),
        currency=" mad ",
        provider=ngo,
        note="  Bon Marjane ",
    )
    stored = Assistance.objects.get(pk=assistance.pk)
    assert stored.case == case
    assert stored.person == person
    assert stored.value == Decimal("250.00")
    assert stored.currency == "MAD"
    assert stored.quantity == 2
    assert stored.note == "Bon Marjane"
    assert stored.recorded_by == caseworker
    assert stored.distribution is None
    (event,) = case_events(case, "assistance.create")
    assert event.changes == {
        "kind": "purchase_voucher",
        "given_on": str(today),
        "quantity": 2,
    }


def test_assistance_without_value_drops_the_currency(
    case: Case, caseworker: User, today: date
) -> None:
    assistance = assistance_record(
        actor=caseworker,
        person=principal_of(case),
        kind=AssistanceKind.FOOD_KIT,
        given_on=today,
        currency="MAD",
    )
    assert Assistance.objects.get(pk=assistance.pk).currency == ""


def test_assistance_in_the_future_is_refused(case: Case, caseworker: User, today: date) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="dans le futur"):
        assistance_record(
            actor=caseworker,
            person=principal_of(case),
            kind=AssistanceKind.FOOD_KIT,
            given_on=today + timedelta(days=1),
        )
    assert row_counts() == before


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        (Decimal("100"), ""),
        (Decimal("100"), "DH"),
        (Decimal("100"), "EURO"),
        (Decimal("100"), "U$D"),
        (Decimal("100"), "123"),
        (Decimal("-5"), "MAD"),
    ],
)
def test_assistance_value_needs_an_iso_currency_and_is_not_negative(
    case: Case, caseworker: User, today: date, value: Decimal, currency: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="ISO 4217"):
        assistance_record(
            actor=caseworker,
            person=principal_of(case),
            kind=AssistanceKind.PURCHASE_VOUCHER,
            given_on=today,
            value=value,
            currency=currency,
        )
    assert row_counts() == before


def test_assistance_unknown_kind_is_refused(case: Case, caseworker: User, today: date) -> None:
    with pytest.raises(ValidationError):
        assistance_record(
            actor=caseworker, person=principal_of(case), kind="spaceship", given_on=today
        )
    assert Assistance.objects.count() == 0


def test_assistance_after_withdrawal_is_refused(case: Case, caseworker: User, today: date) -> None:
    case_withdraw(actor=caseworker, case=case, reason="Ne souhaite plus partir")
    person = principal_of(case)
    with pytest.raises(ValidationError, match="« Désisté » : il ne peut plus être modifié"):
        assistance_record(
            actor=caseworker, person=person, kind=AssistanceKind.FOOD_KIT, given_on=today
        )
    assert Assistance.objects.count() == 0


def test_distribution_gives_one_assistance_per_person(
    case: Case, caseworker: User, today: date
) -> None:
    other = register_case(caseworker, person_data(family_name="Traoré", given_name="Awa"))
    people = [principal_of(case), child_of(case), principal_of(other)]
    distribution = distribution_record(
        actor=caseworker,
        kind=AssistanceKind.HYGIENE_KIT,
        given_on=today,
        people=people,
        note="Distribution mensuelle",
    )
    assert distribution.office == caseworker.organisation
    assert distribution.recorded_by == caseworker
    records = Assistance.objects.filter(distribution=distribution)
    assert records.count() == 3
    assert sorted(records.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    for record in records:
        assert record.case_id == record.person.case_id
        assert record.kind == AssistanceKind.HYGIENE_KIT
        assert record.given_on == today
    assert len(case_events(case, "assistance.create")) == 2
    assert len(case_events(other, "assistance.create")) == 1


def test_distribution_is_all_or_nothing(case: Case, caseworker: User, today: date) -> None:
    withdrawn = register_case(caseworker, person_data(family_name="Keita", given_name="Sekou"))
    case_withdraw(actor=caseworker, case=withdrawn, reason="Reste au Maroc")
    before = row_counts()
    with pytest.raises(ValidationError, match="Désisté"):
        distribution_record(
            actor=caseworker,
            kind=AssistanceKind.FOOD_KIT,
            given_on=today,
            people=[principal_of(case), child_of(case), principal_of(withdrawn)],
        )
    assert row_counts() == before
    assert Distribution.objects.count() == 0
    assert Assistance.objects.count() == 0


def test_distribution_with_a_person_of_another_office_is_refused_entirely(
    case: Case, caseworker: User, other_office_caseworker: User, today: date
) -> None:
    foreign = register_case(other_office_caseworker, person_data(family_name="Sylla"))
    before = row_counts()
    with pytest.raises(PermissionDenied):
        distribution_record(
            actor=caseworker,
            kind=AssistanceKind.FOOD_KIT,
            given_on=today,
            people=[principal_of(case), principal_of(foreign)],
        )
    assert row_counts() == before


def test_distribution_needs_people_and_a_past_date(caseworker: User, today: date) -> None:
    case = register_case(caseworker)
    with pytest.raises(ValidationError, match="au moins une personne"):
        distribution_record(
            actor=caseworker, kind=AssistanceKind.FOOD_KIT, given_on=today, people=[]
        )
    with pytest.raises(ValidationError, match="dans le futur"):
        distribution_record(
            actor=caseworker,
            kind=AssistanceKind.FOOD_KIT,
            given_on=today + timedelta(days=2),
            people=[principal_of(case)],
        )
    assert Distribution.objects.count() == 0
    assert Assistance.objects.count() == 0


# Counselling --------------------------------------------------------------------------


def test_counselling_record(case: Case, caseworker: User, today: date) -> None:
    session = counselling_record(
        actor=caseworker,
        case=case,
        held_on=today,
        topics="  Retour volontaire, réintégration ",
        interpreter_language=" Soussou ",
    )
    stored = CounsellingSession.objects.get(pk=session.pk)
    assert stored.case == case
    assert stored.counsellor == caseworker
    assert stored.topics == "Retour volontaire, réintégration"
    assert stored.interpreter_language == "Soussou"
    (event,) = case_events(case, "counselling.create")
    assert event.changes == {"held_on": str(today)}


def test_counselling_refuses_future_date_and_empty_topics(
    case: Case, caseworker: User, today: date
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="dans le futur"):
        counselling_record(
            actor=caseworker, case=case, held_on=today + timedelta(days=1), topics="Retour"
        )
    with pytest.raises(ValidationError):
        counselling_record(actor=caseworker, case=case, held_on=today, topics="   ")
    assert row_counts() == before


# Attachments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Camara_Mariama_passeport.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        ("Camara_Mariama_photo.png", PNG_BYTES, "image/png"),
        ("Camara_Mariama_photo.jpg", JPEG_BYTES, "image/jpeg"),
        # The type is read from the content, not from the name.
        ("Camara_Mariama_scan.pdf", PNG_BYTES, "image/png"),
        ("Camara_Mariama_scan", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_attachment_accepted_by_content(
    case: Case,
    caseworker: User,
    media_root: Path,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    person = principal_of(case)
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    attachment = attachment_add(
        actor=caseworker,
        case=case,
        kind=Attachment.Kind.IDENTITY_DOCUMENT,
        upload=upload,
        person=person,
        document_date=date(2025, 1, 2),
    )
    stored = Attachment.objects.get(pk=attachment.pk)
    assert stored.content_type == content_type
    assert stored.size == len(content)
    assert stored.original_name == name
    assert stored.person == person
    assert stored.uploaded_by == caseworker
    assert stored.document_date == date(2025, 1, 2)
    # The stored name never carries the person's name from the original file name.
    stored_name = stored.file.name or ""
    # ...and its extension is the one of the real type.
    suffix = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[content_type]
    assert re.fullmatch(rf"cases/{case.pk}/[0-9a-f]{{32}}{re.escape(suffix)}", stored_name)
    assert "camara" not in stored_name.lower()
    assert "mariama" not in stored_name.lower()
    assert Path(stored.file.path).is_relative_to(media_root)
    assert Path(stored.file.path).read_bytes() == content
    (event,) = case_events(case, "attachment.create")
    assert event.changes == {"kind": "identity_document", "size": len(content)}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("declaration.pdf", TEXT_BYTES),
        ("photo.png", TEXT_BYTES),
        ("animation.gif", GIF_BYTES),
        ("empty.pdf", b""),
    ],
)
def test_attachment_refused_by_content(
    case: Case, caseworker: User, media_root: Path, name: str, content: bytes
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="Seuls les fichiers PDF, JPEG et PNG"):
        attachment_add(
            actor=caseworker,
            case=case,
            kind=Attachment.Kind.OTHER,
            upload=SimpleUploadedFile(name, content, "application/pdf"),
        )
    assert row_counts() == before
    assert files_under(media_root) == []


def test_attachment_over_10_mb_is_refused(case: Case, caseworker: User, media_root: Path) -> None:
    too_big = b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_BYTES - 8)
    assert len(too_big) == MAX_UPLOAD_BYTES + 1
    with pytest.raises(ValidationError, match="Le fichier dépasse 10 Mo"):
        attachment_add(
            actor=caseworker,
            case=case,
            kind=Attachment.Kind.OTHER,
            upload=SimpleUploadedFile("big.pdf", too_big, "application/pdf"),
        )
    assert Attachment.objects.count() == 0
    assert files_under(media_root) == []


def test_attachment_of_exactly_10_mb_is_accepted(case: Case, caseworker: User) -> None:
    content = b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_BYTES - 9)
    attachment = attachment_add(
        actor=caseworker,
        case=case,
        kind=Attachment.Kind.OTHER,
        upload=SimpleUploadedFile("big.pdf", content, "application/pdf"),
    )
    assert attachment.size == MAX_UPLOAD_BYTES


def test_attachment_for_a_person_of_another_case_is_refused(
    case: Case, caseworker: User, media_root: Path
) -> None:
    other = register_case(caseworker, person_data(family_name="Bah"))
    with pytest.raises(ValidationError, match="n'appartient pas au dossier"):
        attachment_add(
            actor=caseworker,
            case=case,
            kind=Attachment.Kind.PHOTO,
            upload=pdf_upload(),
            person=principal_of(other),
        )
    assert Attachment.objects.count() == 0
    assert files_under(media_root) == []


def test_refused_attachment_leaves_no_file(case: Case, caseworker: User, media_root: Path) -> None:
    with pytest.raises(ValidationError):
        attachment_add(actor=caseworker, case=case, kind="selfie", upload=pdf_upload())
    assert Attachment.objects.count() == 0
    assert files_under(media_root) == []


# Declarations -------------------------------------------------------------------------


def test_declaration_record(case: Case, caseworker: User, today: date) -> None:
    person = principal_of(case)
    declaration = declaration_record(
        actor=caseworker,
        case=case,
        signatory=person,
        signed_on=today,
        scan=pdf_upload("Camara_declaration.pdf"),
    )
    stored = ReturnDeclaration.objects.get(pk=declaration.pk)
    assert stored.case == case
    assert stored.signatory == person
    assert stored.signed_on == today
    assert stored.guardian_name == ""
    assert stored.recorded_by == caseworker
    assert stored.scan.kind == Attachment.Kind.DECLARATION
    assert stored.scan.person == person
    assert stored.scan.document_date == today
    assert stored.scan.content_type == "application/pdf"
    (event,) = case_events(case, "declaration.create")
    assert event.changes == {"signed_on": str(today)}
    assert len(case_events(case, "attachment.create")) == 1


def test_minor_signatory_needs_a_guardian(case: Case, caseworker: User, today: date) -> None:
    child = child_of(case)
    before = row_counts()
    with pytest.raises(ValidationError, match="La personne est mineure"):
        declaration_record(
            actor=caseworker, case=case, signatory=child, signed_on=today, scan=pdf_upload()
        )
    assert row_counts() == before
    declaration = declaration_record(
        actor=caseworker,
        case=case,
        signatory=child,
        signed_on=today,
        scan=pdf_upload(),
        guardian_name="  Mariama Camara ",
    )
    assert declaration.guardian_name == "Mariama Camara"


def test_declaration_refuses_future_date_and_outsider(
    case: Case, caseworker: User, today: date, media_root: Path
) -> None:
    other = register_case(caseworker, person_data(family_name="Bah"))
    before = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        declaration_record(
            actor=caseworker,
            case=case,
            signatory=principal_of(other),
            signed_on=today + timedelta(days=1),
            scan=pdf_upload(),
        )
    assert excinfo.value.messages == [
        "Cette personne n'appartient pas au dossier.",
        "La date de signature est dans le futur.",
    ]
    assert row_counts() == before
    assert files_under(media_root) == []


def test_declaration_with_a_text_scan_is_refused(case: Case, caseworker: User, today: date) -> None:
    before = row_counts()
    with pytest.raises(ValidationError, match="Seuls les fichiers PDF"):
        declaration_record(
            actor=caseworker,
            case=case,
            signatory=principal_of(case),
            signed_on=today,
            scan=SimpleUploadedFile("declaration.pdf", TEXT_BYTES, "application/pdf"),
        )
    assert row_counts() == before


def test_declaration_after_withdrawal_is_refused(case: Case, caseworker: User, today: date) -> None:
    case = case_withdraw(actor=caseworker, case=case, reason="Reste")
    with pytest.raises(ValidationError, match="Désisté"):
        declaration_record(
            actor=caseworker,
            case=case,
            signatory=principal_of(case),
            signed_on=today,
            scan=pdf_upload(),
        )
    assert ReturnDeclaration.objects.count() == 0


# Sensitive notes ----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["caseworker", "supervisor", "admin_user"])
def test_sensitive_note_by_those_allowed(
    request: pytest.FixtureRequest, case: Case, fixture: str
) -> None:
    actor: User = request.getfixturevalue(fixture)
    secret = "Suivi psychologique après des violences subies en route"
    note = sensitive_note_add(actor=actor, case=case, kind="psychosocial", text=f"  {secret} ")
    stored = SensitiveNote.objects.get(pk=note.pk)
    assert (stored.case, stored.author, stored.text) == (case, actor, secret)
    (event,) = case_events(case, "sensitive_note.create")
    assert event.changes == {"kind": "psychosocial"}
    # The audit trail never holds what the note says.
    assert "violences" not in json.dumps(event.changes)


def test_sensitive_note_refused_to_an_unassigned_colleague(
    case: Case, office_rabat: Organisation
) -> None:
    colleague = UserFactory.create(
        username="caseworker.two", role=Role.CASEWORKER, organisation=office_rabat
    )
    with pytest.raises(PermissionDenied):
        sensitive_note_add(actor=colleague, case=case, kind="medical", text="Diabète")
    assert SensitiveNote.objects.count() == 0
    assert not case_events(case, "sensitive_note.create")


@pytest.mark.parametrize(
    "fixture",
    ["other_office_caseworker", "reintegration_officer", "ministry_focal_point", "ngo_referrer"],
)
def test_sensitive_note_refused_to_outsiders(
    request: pytest.FixtureRequest, case: Case, fixture: str
) -> None:
    actor: User = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        sensitive_note_add(actor=actor, case=case, kind="trafficking", text="...")
    assert SensitiveNote.objects.count() == 0


def test_sensitive_note_needs_text_and_a_known_kind(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError):
        sensitive_note_add(actor=caseworker, case=case, kind="medical", text="   ")
    with pytest.raises(ValidationError):
        sensitive_note_add(actor=caseworker, case=case, kind="gossip", text="Texte")
    assert SensitiveNote.objects.count() == 0


# Duplicates ---------------------------------------------------------------------------


def test_same_document_number_is_a_possible_duplicate(caseworker: User) -> None:
    known_case = register_case(caseworker, person_data(id_document_number="gn123456"))
    new_case = register_case(
        caseworker,
        person_data(
            family_name="Sow",
            given_name="Kadiatou",
            nationality="SN",
            birth_date=date(1988, 1, 1),
            travel_document_number="GN123456",
        ),
    )
    known, new = principal_of(known_case), principal_of(new_case)
    assert new.duplicate_review == DuplicateReview.PENDING
    assert [candidate.pk for candidate in duplicate_candidates(new)] == [known.pk]
    # The person already known is not flagged.
    assert Person.objects.get(pk=known.pk).duplicate_review == DuplicateReview.NONE


def test_same_names_nationality_and_birth_year_is_a_possible_duplicate(
    caseworker: User, other_office_caseworker: User
) -> None:
    known_case = register_case(
        caseworker,
        person_data(family_name="Kouyaté", given_name="Mariam Aïcha", birth_date=date(1995, 3, 14)),
    )
    new_case = register_case(
        other_office_caseworker,
        person_data(
            family_name="AICHA MARIAM", given_name="kouyate", birth_date=None, birth_year=1995
        ),
    )
    new = principal_of(new_case)
    assert new.duplicate_review == DuplicateReview.PENDING
    assert [c.pk for c in duplicate_candidates(new)] == [principal_of(known_case).pk]


@pytest.mark.parametrize(
    "overrides",
    [
        {"nationality": "CI"},
        {"birth_date": date(1996, 3, 14)},
        {"given_name": "Mariam"},
    ],
)
def test_different_identity_is_no_duplicate(caseworker: User, overrides: dict[str, Any]) -> None:
    register_case(caseworker, person_data(id_document_number="GN1"))
    new_case = register_case(caseworker, person_data(id_document_number="GN2", **overrides))
    new = principal_of(new_case)
    assert new.duplicate_review == DuplicateReview.NONE
    assert not duplicate_candidates(new).exists()


def test_people_of_the_same_case_are_not_duplicates(caseworker: User) -> None:
    case = register_case(
        caseworker,
        person_data(id_document_number="GN42"),
        child_data(given_name="Mariama", birth_date=date(1995, 1, 1), relationship="sibling"),
    )
    assert set(case.people.values_list("duplicate_review", flat=True)) == {""}


def test_person_add_detects_duplicates(case: Case, caseworker: User) -> None:
    known_case = register_case(
        caseworker,
        person_data(
            family_name="Soumah", given_name="Alpha", sex="M", birth_date=None, birth_year=1990
        ),
    )
    spouse = person_add(
        actor=caseworker,
        case=case,
        data=person_data(
            family_name="Alpha",
            given_name="SOUMAH",
            sex="M",
            relationship="spouse",
            birth_date=None,
            birth_year=1990,
        ),
    )
    assert Person.objects.get(pk=spouse.pk).duplicate_review == DuplicateReview.PENDING
    assert [c.pk for c in duplicate_candidates(spouse)] == [principal_of(known_case).pk]


@pytest.fixture
def duplicate_pair(caseworker: User) -> tuple[Person, Person]:
    """A person known from an earlier case, and the same person registered again."""
    known_case = register_case(
        caseworker, person_data(id_document_number="GN555"), registered_on=date(2023, 2, 1)
    )
    new_case = register_case(caseworker, person_data(id_document_number="GN555"))
    return principal_of(known_case), principal_of(new_case)


@pytest.mark.parametrize(
    ("status", "remigration"),
    [
        (CaseStatus.DEPARTED, True),
        (CaseStatus.REINTEGRATING, True),
        (CaseStatus.CLOSED, True),
        (CaseStatus.REGISTERED, False),
        (CaseStatus.ASSISTING, False),
        (CaseStatus.READY, False),
        (CaseStatus.WITHDRAWN, False),
    ],
)
def test_duplicate_link_flags_remigration_after_a_return(
    caseworker: User, duplicate_pair: tuple[Person, Person], status: str, remigration: bool
) -> None:
    known, new = duplicate_pair
    Case.objects.filter(pk=known.case_id).update(status=status)
    known = Person.objects.select_related("case").get(pk=known.pk)
    duplicate_link(actor=caseworker, person=new, known_person=known)
    stored = Person.objects.get(pk=new.pk)
    assert stored.linked_person == known
    assert stored.duplicate_review == DuplicateReview.LINKED
    assert stored.is_remigration is remigration
    (event,) = case_events(new.case, "person.duplicate_link")
    assert event.target_id == str(new.pk)
    assert event.changes == {"linked_case": known.case.number, "remigration": remigration}


def test_duplicate_link_carries_remigration_along(
    caseworker: User, duplicate_pair: tuple[Person, Person]
) -> None:
    known, new = duplicate_pair
    Person.objects.filter(pk=known.pk).update(is_remigration=True)
    known = Person.objects.select_related("case").get(pk=known.pk)
    duplicate_link(actor=caseworker, person=new, known_person=known)
    assert Person.objects.get(pk=new.pk).is_remigration is True


def test_duplicate_link_only_to_a_proposed_candidate(case: Case, caseworker: User) -> None:
    new = principal_of(case)
    stranger = principal_of(register_case(caseworker, person_data(family_name="Bah")))
    with pytest.raises(ValidationError, match="n'est pas un doublon proposé"):
        duplicate_link(actor=caseworker, person=new, known_person=stranger)
    stored = Person.objects.get(pk=new.pk)
    assert (stored.linked_person, stored.duplicate_review) == (None, DuplicateReview.NONE)
    assert not case_events(case, "person.duplicate_link")


def test_duplicate_dismiss(caseworker: User, duplicate_pair: tuple[Person, Person]) -> None:
    _known, new = duplicate_pair
    duplicate_dismiss(actor=caseworker, person=new)
    stored = Person.objects.get(pk=new.pk)
    assert stored.duplicate_review == DuplicateReview.DISMISSED
    assert stored.linked_person is None
    assert stored.is_remigration is False
    (event,) = case_events(new.case, "person.duplicate_dismiss")
    assert event.target_id == str(new.pk)


def test_duplicate_review_is_refused_to_another_office(
    duplicate_pair: tuple[Person, Person], other_office_caseworker: User
) -> None:
    known, new = duplicate_pair
    with pytest.raises(PermissionDenied):
        duplicate_link(actor=other_office_caseworker, person=new, known_person=known)
    with pytest.raises(PermissionDenied):
        duplicate_dismiss(actor=other_office_caseworker, person=new)
    assert Person.objects.get(pk=new.pk).duplicate_review == DuplicateReview.PENDING


# Every service leaves an event in the case's timeline ---------------------------------

ServiceCall = Callable[[Case, User, User], object]


def _link(case: Case, actor: User, _supervisor: User) -> object:
    # The same person registered again elsewhere: link the case's principal to them.
    again = register_case(actor, person_data())
    return duplicate_link(actor=actor, person=principal_of(case), known_person=principal_of(again))


def _dismiss(case: Case, actor: User, _supervisor: User) -> object:
    register_case(actor, person_data())
    return duplicate_dismiss(actor=actor, person=principal_of(case))


SERVICE_CALLS: dict[str, ServiceCall] = {
    "person.create": lambda case, actor, _s: person_add(
        actor=actor, case=case, data=child_data(given_name="Fanta", sex="F")
    ),
    "person.update": lambda case, actor, _s: person_update(
        actor=actor, person=principal_of(case), expected_version=1, changes={"phone": "0612"}
    ),
    "case.update": lambda case, actor, _s: case_update(
        actor=actor, case=case, expected_version=1, changes={"priority": 2}
    ),
    "case.assign": lambda case, _a, supervisor: case_assign(
        actor=supervisor, case=case, assignee=supervisor
    ),
    "case.transition": lambda case, actor, _s: case_transition(
        actor=actor, case=case, to_status=CaseStatus.ASSISTING
    ),
    "assistance.create": lambda case, actor, _s: assistance_record(
        actor=actor,
        person=principal_of(case),
        kind=AssistanceKind.FOOD_KIT,
        given_on=timezone.localdate(),
    ),
    "counselling.create": lambda case, actor, _s: counselling_record(
        actor=actor, case=case, held_on=timezone.localdate(), topics="Retour"
    ),
    "attachment.create": lambda case, actor, _s: attachment_add(
        actor=actor, case=case, kind=Attachment.Kind.OTHER, upload=pdf_upload()
    ),
    "declaration.create": lambda case, actor, _s: declaration_record(
        actor=actor,
        case=case,
        signatory=principal_of(case),
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
    ),
    "sensitive_note.create": lambda case, actor, _s: sensitive_note_add(
        actor=actor, case=case, kind="medical", text="Asthme"
    ),
    "person.duplicate_link": _link,
    "person.duplicate_dismiss": _dismiss,
}


@pytest.mark.parametrize("action", list(SERVICE_CALLS))
def test_every_service_is_audited_in_the_case_timeline(
    case: Case, caseworker: User, supervisor: User, action: str
) -> None:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    SERVICE_CALLS[action](case, caseworker, supervisor)
    events = list(AuditEvent.objects.filter(id__gt=last, action=action))
    assert len(events) == 1
    (event,) = events
    assert event.actor_username in {"caseworker", "supervisor"}
    assert event.scope_type == ContentType.objects.get_for_model(Case)
    assert event.scope_id == str(case.pk)


# Edits stop at departure or withdrawal; edits re-run the duplicate check -----------------


def test_no_edit_after_withdrawal(caseworker: User, case: Case) -> None:
    case_withdraw(actor=caseworker, case=case, reason="Reste au Maroc")
    person = principal_of(case)
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        person_update(
            actor=caseworker, person=person, expected_version=person.version, changes={"phone": "1"}
        )
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        case_update(
            actor=caseworker, case=case, expected_version=case.version, changes={"priority": 2}
        )
    assert principal_of(case).phone == ""


def test_editing_names_into_a_known_person_flags_a_duplicate(caseworker: User) -> None:
    known = register_case(caseworker, person_data(family_name="Sylla", given_name="Oumar"))
    newcomer_case = register_case(caseworker, person_data(family_name="Sila", given_name="Oumar"))
    newcomer = principal_of(newcomer_case)
    assert newcomer.duplicate_review == DuplicateReview.NONE
    person_update(
        actor=caseworker,
        person=newcomer,
        expected_version=newcomer.version,
        changes={"family_name": "Sylla"},
    )
    newcomer.refresh_from_db()
    assert newcomer.duplicate_review == DuplicateReview.PENDING
    assert principal_of(known).pk in {p.pk for p in duplicate_candidates(newcomer)}


def test_registration_assignee_must_work_in_the_office(caseworker: User, supervisor: User) -> None:
    case = register_case(caseworker, assigned_to=supervisor)
    assert case.assigned_to == supervisor


# Input accepted but it should not be (issue 8) ----------------------------------------

NAME_TOO_LONG = "Personne 1 — « Nom » : 100 caractères au plus (le texte en compte 5000)."


def test_registration_refuses_an_overlong_name_naming_the_field_and_its_limit(
    caseworker: User,
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        register_case(caseworker, person_data(family_name="A" * 5000))
    assert refused.value.messages == [NAME_TOO_LONG]
    assert row_counts() == before


def test_person_update_refuses_an_overlong_name(case: Case, caseworker: User) -> None:
    person = principal_of(case)
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=caseworker,
            person=person,
            expected_version=1,
            changes={"family_name": "A" * 5000},
        )
    assert refused.value.messages == [NAME_TOO_LONG]
    stored = Person.objects.get(pk=person.pk)
    assert (stored.family_name, stored.version) == ("Camara", 1)


def test_case_update_refuses_an_overlong_reference(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError) as refused:
        case_update(
            actor=caseworker,
            case=case,
            expected_version=1,
            changes={"justice_reference": "R" * 101},
        )
    assert refused.value.message_dict == {
        "justice_reference": [
            "« Référence de la décision » : 100 caractères au plus (le texte en compte 101)."
        ]
    }
    stored = Case.objects.get(pk=case.pk)
    assert (stored.justice_reference, stored.version) == ("", 1)


def test_counselling_refuses_an_overlong_interpreter_language(
    case: Case, caseworker: User, today: date
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        counselling_record(
            actor=caseworker,
            case=case,
            held_on=today,
            topics="Retour",
            interpreter_language="L" * 51,
        )
    assert refused.value.message_dict == {
        "interpreter_language": [
            "« Langue de l'interprète » : 50 caractères au plus (le texte en compte 51)."
        ]
    }
    assert row_counts() == before


def test_declaration_refuses_an_overlong_guardian_name(
    case: Case, caseworker: User, today: date, media_root: Path
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        declaration_record(
            actor=caseworker,
            case=case,
            signatory=child_of(case),
            signed_on=today,
            scan=pdf_upload(),
            guardian_name="G" * 201,
        )
    assert refused.value.messages == [
        "« Tuteur·rice signataire » : 200 caractères au plus (le texte en compte 201)."
    ]
    assert row_counts() == before
    assert files_under(media_root) == []


@pytest.mark.parametrize("currency", ["XYZ", "FRF", "XXX"])
def test_assistance_currency_must_be_an_iso_4217_currency_in_use(
    case: Case, caseworker: User, today: date, currency: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=caseworker,
            person=principal_of(case),
            kind=AssistanceKind.PURCHASE_VOUCHER,
            given_on=today,
            value=Decimal("100"),
            currency=currency,
        )
    assert refused.value.messages == [
        f"« {currency} » n'est pas le code ISO 4217 d'une devise en usage (ex. MAD)."
    ]
    assert row_counts() == before


@pytest.mark.parametrize("currency", ["xof", "GNF", "EUR", "USD"])
def test_assistance_in_any_currency_in_use(
    case: Case, caseworker: User, today: date, currency: str
) -> None:
    assistance = assistance_record(
        actor=caseworker,
        person=principal_of(case),
        kind=AssistanceKind.PURCHASE_VOUCHER,
        given_on=today,
        value=Decimal("100"),
        currency=currency,
    )
    assert Assistance.objects.get(pk=assistance.pk).currency == currency.upper()


def test_case_update_refuses_a_justice_decision_dated_in_the_future(
    case: Case, caseworker: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        case_update(
            actor=caseworker,
            case=case,
            expected_version=1,
            changes={
                "justice_decision": JusticeDecision.RETURN_AUTHORISED,
                "justice_decision_on": date(2030, 1, 15),
            },
        )
    assert refused.value.message_dict == {
        "justice_decision_on": [
            "La date de la décision du ministère de la Justice est dans le futur."
        ]
    }
    stored = Case.objects.get(pk=case.pk)
    assert (stored.justice_decision, stored.justice_decision_on, stored.version) == ("", None, 1)


def test_withdrawal_dated_in_the_future_is_refused(
    case: Case, caseworker: User, today: date
) -> None:
    with pytest.raises(ValidationError) as refused:
        case_withdraw(
            actor=caseworker, case=case, reason="Reste au Maroc.", on=today + timedelta(days=1)
        )
    assert refused.value.messages == ["La date est dans le futur."]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.withdrawn_on, stored.version) == (CaseStatus.REGISTERED, None, 1)


@pytest.mark.parametrize(
    ("source", "organisation", "message"),
    [
        ("ngo", None, "La personne est venue par une ONG partenaire : indiquez laquelle."),
        ("ngo", "ministry", "« Ministère de l'Intérieur » n'est pas une ONG partenaire."),
        ("ngo", "office_oujda", "« OIM Oujda » n'est pas une ONG partenaire."),
        ("authority", "ngo", "« ONG Une » n'est pas un ministère ou un service public."),
        (
            "walk_in",
            "ngo",
            "Une organisation référente ne s'indique que pour une personne venue par une ONG "
            "partenaire ou une autorité.",
        ),
    ],
)
def test_registration_refuses_a_referring_organisation_that_does_not_fit_the_source(
    caseworker: User,
    request: pytest.FixtureRequest,
    source: str,
    organisation: str | None,
    message: str,
) -> None:
    referring = request.getfixturevalue(organisation) if organisation else None
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        register_case(caseworker, referral_source=source, referring_organisation=referring)
    assert refused.value.message_dict == {"referring_organisation": [message]}
    assert row_counts() == before


@pytest.mark.parametrize(
    ("source", "organisation"),
    [("ngo", "ngo"), ("authority", None), ("authority", "ministry"), ("walk_in", None)],
)
def test_registration_accepts_a_referring_organisation_that_fits_the_source(
    caseworker: User, request: pytest.FixtureRequest, source: str, organisation: str | None
) -> None:
    referring = request.getfixturevalue(organisation) if organisation else None
    case = register_case(caseworker, referral_source=source, referring_organisation=referring)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.referral_source, stored.referring_organisation) == (source, referring)


def test_case_update_to_an_ngo_source_needs_the_ngo(
    case: Case, caseworker: User, ngo: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        case_update(
            actor=caseworker, case=case, expected_version=1, changes={"referral_source": "ngo"}
        )
    assert refused.value.message_dict == {
        "referring_organisation": [
            "La personne est venue par une ONG partenaire : indiquez laquelle."
        ]
    }
    assert Case.objects.get(pk=case.pk).version == 1
    case_update(
        actor=caseworker,
        case=case,
        expected_version=1,
        changes={"referral_source": "ngo", "referring_organisation": ngo},
    )
    assert Case.objects.get(pk=case.pk).referring_organisation == ngo


def test_the_reason_for_returning_is_recorded_and_edited(caseworker: User) -> None:
    case = register_case(caseworker, return_reason="  Rejoindre sa famille à Conakry. ")
    assert Case.objects.get(pk=case.pk).return_reason == "Rejoindre sa famille à Conakry."
    case_update(
        actor=caseworker,
        case=case,
        expected_version=1,
        changes={"return_reason": " Rejoindre sa mère malade. "},
    )
    assert Case.objects.get(pk=case.pk).return_reason == "Rejoindre sa mère malade."
    (event,) = case_events(case, "case.update")
    assert event.changes == {
        "return_reason": ["Rejoindre sa famille à Conakry.", "Rejoindre sa mère malade."]
    }
