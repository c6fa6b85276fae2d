"""Which status a case may move to, what must hold first, and what moving records."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from pytest_django import Settings

from avrr.models import AuditEvent, User
from cases import workflow
from cases.models import (
    Assistance,
    AssistanceKind,
    Attachment,
    Case,
    CaseStatus,
    CounsellingSession,
    JusticeDecision,
    Person,
    Relationship,
    ReturnDeclaration,
    SensitiveNote,
    Vulnerability,
)
from cases.services import (
    assistance_record,
    attachment_add,
    case_transition,
    case_update,
    case_withdraw,
    counselling_record,
    declaration_record,
    sensitive_note_add,
)
from cases.workflow import (
    allowed_targets,
    missing_for,
    next_steps,
    register_guard,
    register_stage_date,
    register_transition,
    stage_date_field,
)
from tests.factories import child_data, pdf_upload, person_data, register_case

NO_DECLARATION = "La déclaration de retour volontaire signée n'est pas enregistrée."
NO_PRINCIPAL = "Le dossier n'a pas de demandeur·se principal·e."
NO_COUNTRY = "Chaque personne doit avoir un pays de retour."
NO_JUSTICE = (
    "Mineur non accompagné ou séparé : la décision du ministère de la Justice "
    "autorisant le retour, avec sa date, est requise."
)
NO_REASON = "Indiquez le motif du désistement."

# The programme's stages (shared/formats/case-register.md); `departed` is the departure
# app's (cases/departure/workflow.py).
EXPECTED_TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.REGISTERED: {CaseStatus.ASSISTING, CaseStatus.WITHDRAWN},
    CaseStatus.ASSISTING: {CaseStatus.READY, CaseStatus.WITHDRAWN},
    CaseStatus.READY: {
        CaseStatus.ASSISTING,
        CaseStatus.WAITING_FUNDS,
        CaseStatus.DEPARTED,
        CaseStatus.WITHDRAWN,
    },
    CaseStatus.WAITING_FUNDS: {CaseStatus.READY, CaseStatus.WITHDRAWN},
    CaseStatus.DEPARTED: {CaseStatus.REINTEGRATING, CaseStatus.CLOSED},
    CaseStatus.REINTEGRATING: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
    CaseStatus.WITHDRAWN: set(),
}


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def today() -> date:
    return timezone.localdate()


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def principal_of(case: Case) -> Person:
    return Person.objects.select_related("case").get(
        case_id=case.pk, relationship=Relationship.PRINCIPAL
    )


def sign_declaration(case: Case, actor: User, guardian_name: str = "") -> ReturnDeclaration:
    return declaration_record(
        actor=actor,
        case=fresh(case),
        signatory=principal_of(case),
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
        guardian_name=guardian_name,
    )


@pytest.fixture
def assisting_case(caseworker: User) -> Case:
    """A mother and her son, with assistance under way."""
    case = register_case(caseworker, person_data(), child_data())
    return case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)


@pytest.fixture
def unaccompanied_case(caseworker: User, today: date) -> Case:
    case = register_case(
        caseworker,
        person_data(
            family_name="Diallo",
            given_name="Mamadou",
            sex="M",
            birth_date=date(today.year - 16, 2, 1),
            vulnerabilities=["unaccompanied_minor"],
        ),
    )
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    sign_declaration(case, caseworker, guardian_name="Tuteur désigné par le juge")
    return fresh(case)


def transitions(case: Case) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="case.transition", scope_id=str(case.pk)).order_by("id")
    )


# Guards of the move to "ready" --------------------------------------------------------


def test_ready_needs_a_signed_declaration(assisting_case: Case, caseworker: User) -> None:
    assert missing_for(fresh(assisting_case), CaseStatus.READY) == [NO_DECLARATION]
    events_before = len(transitions(assisting_case))
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_DECLARATION]
    stored = fresh(assisting_case)
    assert stored.status == CaseStatus.ASSISTING
    assert stored.ready_on is None
    assert len(transitions(assisting_case)) == events_before


def test_ready_once_the_declaration_is_signed(
    assisting_case: Case, caseworker: User, today: date
) -> None:
    sign_declaration(assisting_case, caseworker)
    assert missing_for(fresh(assisting_case), CaseStatus.READY) == []
    ready = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert ready.status == CaseStatus.READY
    stored = fresh(assisting_case)
    assert stored.status == CaseStatus.READY
    assert stored.ready_on == today


def test_ready_needs_a_principal_applicant(assisting_case: Case, caseworker: User) -> None:
    sign_declaration(assisting_case, caseworker)
    Person.objects.filter(case=assisting_case).update(relationship=Relationship.SPOUSE)
    assert missing_for(fresh(assisting_case), CaseStatus.READY) == [NO_PRINCIPAL]
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_PRINCIPAL]
    assert fresh(assisting_case).status == CaseStatus.ASSISTING


def test_ready_needs_a_country_of_return_for_everyone(
    assisting_case: Case, caseworker: User
) -> None:
    sign_declaration(assisting_case, caseworker)
    Person.objects.filter(case=assisting_case, relationship=Relationship.CHILD).update(
        country_of_return=""
    )
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_COUNTRY]
    assert fresh(assisting_case).status == CaseStatus.ASSISTING


def test_every_missing_requirement_is_listed(assisting_case: Case, caseworker: User) -> None:
    Person.objects.filter(case=assisting_case).update(
        relationship=Relationship.CHILD, country_of_return=""
    )
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_PRINCIPAL, NO_COUNTRY, NO_DECLARATION]


def test_unaccompanied_minor_needs_the_justice_decision(
    unaccompanied_case: Case, caseworker: User
) -> None:
    assert missing_for(unaccompanied_case, CaseStatus.READY) == [NO_JUSTICE]
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=unaccompanied_case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_JUSTICE]
    assert fresh(unaccompanied_case).status == CaseStatus.ASSISTING


@pytest.mark.parametrize(
    ("decision", "decided_on"),
    [
        (JusticeDecision.PENDING, date(2025, 4, 1)),
        (JusticeDecision.RETURN_REFUSED, date(2025, 4, 1)),
        (JusticeDecision.RETURN_AUTHORISED, None),
    ],
)
def test_unaccompanied_minor_needs_an_authorising_dated_decision(
    unaccompanied_case: Case, caseworker: User, decision: str, decided_on: date | None
) -> None:
    Case.objects.filter(pk=unaccompanied_case.pk).update(
        justice_decision=decision, justice_decision_on=decided_on
    )
    assert missing_for(fresh(unaccompanied_case), CaseStatus.READY) == [NO_JUSTICE]
    with pytest.raises(ValidationError):
        case_transition(actor=caseworker, case=unaccompanied_case, to_status=CaseStatus.READY)


def test_separated_child_needs_the_justice_decision_too(caseworker: User, today: date) -> None:
    case = register_case(
        caseworker,
        person_data(birth_date=date(today.year - 14, 5, 5), vulnerabilities=["separated_child"]),
    )
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    sign_declaration(case, caseworker, guardian_name="Tutrice")
    assert missing_for(fresh(case), CaseStatus.READY) == [NO_JUSTICE]


def test_unaccompanied_minor_ready_once_the_decision_is_recorded(
    unaccompanied_case: Case, caseworker: User, today: date
) -> None:
    case_update(
        actor=caseworker,
        case=unaccompanied_case,
        expected_version=unaccompanied_case.version,
        changes={
            "justice_decision": JusticeDecision.RETURN_AUTHORISED,
            "justice_decision_on": today - timedelta(days=3),
            "justice_reference": "TPI-RBA/2026/12",
        },
    )
    case = fresh(unaccompanied_case)
    assert missing_for(case, CaseStatus.READY) == []
    ready = case_transition(actor=caseworker, case=case, to_status=CaseStatus.READY)
    assert ready.status == CaseStatus.READY
    assert fresh(case).status == CaseStatus.READY


def test_other_vulnerabilities_need_no_justice_decision(caseworker: User) -> None:
    case = register_case(caseworker, person_data(vulnerabilities=["trafficking_victim"]))
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    sign_declaration(case, caseworker)
    assert Vulnerability.objects.filter(person__case=case).count() == 1
    assert missing_for(fresh(case), CaseStatus.READY) == []


def test_guards_are_checked_again_when_coming_back_to_ready(
    assisting_case: Case, caseworker: User
) -> None:
    sign_declaration(assisting_case, caseworker)
    case = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.WAITING_FUNDS)
    Person.objects.filter(case=case).update(country_of_return="")
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [NO_COUNTRY]
    assert fresh(case).status == CaseStatus.WAITING_FUNDS


# Allowed and refused transitions ------------------------------------------------------


def test_registered_to_ready_is_refused_with_a_message(caseworker: User) -> None:
    case = register_case(caseworker)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.READY)
    assert excinfo.value.messages == [
        "Un dossier « Enregistré » ne peut pas passer à « Prêt au départ »."
    ]
    stored = fresh(case)
    assert (stored.status, stored.version, stored.ready_on) == (CaseStatus.REGISTERED, 1, None)
    assert transitions(case) == []


def test_withdrawn_case_cannot_be_reopened(caseworker: User) -> None:
    case = case_withdraw(actor=caseworker, case=register_case(caseworker), reason="Reste")
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    assert excinfo.value.messages == [
        "Un dossier « Désisté » ne peut pas passer à « En assistance »."
    ]


@pytest.mark.parametrize("current", list(CaseStatus), ids=lambda status: status.value)
def test_only_the_programme_transitions_are_offered(caseworker: User, current: CaseStatus) -> None:
    case = register_case(caseworker)
    Case.objects.filter(pk=case.pk).update(status=current)
    case = fresh(case)
    assert {status for status, _missing in next_steps(case)} == EXPECTED_TRANSITIONS[current]
    for target in CaseStatus:
        missing = missing_for(case, target)
        if target in EXPECTED_TRANSITIONS[current]:
            assert not any("ne peut pas passer" in message for message in missing)
        else:
            assert missing == [
                f"Un dossier « {current.label} » ne peut pas passer à « {target.label} »."
            ]


@pytest.mark.parametrize(
    "current", [CaseStatus.DEPARTED, CaseStatus.REINTEGRATING, CaseStatus.CLOSED]
)
def test_no_withdrawal_after_departure(caseworker: User, current: CaseStatus) -> None:
    case = register_case(caseworker)
    Case.objects.filter(pk=case.pk).update(status=current)
    with pytest.raises(ValidationError, match="ne peut pas passer à « Désisté »"):
        case_withdraw(actor=caseworker, case=fresh(case), reason="Changement d'avis")
    stored = fresh(case)
    assert (stored.status, stored.withdrawn_on, stored.withdrawal_reason) == (current, None, "")


# Withdrawal ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_withdrawal_requires_a_reason(assisting_case: Case, caseworker: User, reason: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        case_withdraw(actor=caseworker, case=assisting_case, reason=reason)
    assert excinfo.value.messages == [NO_REASON]
    stored = fresh(assisting_case)
    assert (stored.status, stored.withdrawn_on, stored.withdrawal_reason) == (
        CaseStatus.ASSISTING,
        None,
        "",
    )


@pytest.mark.parametrize(
    "current", [CaseStatus.REGISTERED, CaseStatus.READY, CaseStatus.WAITING_FUNDS]
)
def test_withdrawal_is_possible_until_departure(caseworker: User, current: CaseStatus) -> None:
    case = register_case(caseworker)
    Case.objects.filter(pk=case.pk).update(status=current)
    withdrawn = case_withdraw(actor=caseworker, case=fresh(case), reason="Retrouve du travail")
    assert withdrawn.status == CaseStatus.WITHDRAWN
    assert fresh(case).status == CaseStatus.WITHDRAWN


def test_withdrawal_keeps_everything(assisting_case: Case, caseworker: User, today: date) -> None:
    person = principal_of(assisting_case)
    assistance_record(
        actor=caseworker,
        person=person,
        kind=AssistanceKind.PURCHASE_VOUCHER,
        given_on=today,
        value=Decimal("300"),
        currency="MAD",
    )
    counselling_record(actor=caseworker, case=assisting_case, held_on=today, topics="Retour")
    declaration = sign_declaration(assisting_case, caseworker)
    attachment_add(
        actor=caseworker,
        case=assisting_case,
        kind=Attachment.Kind.IDENTITY_DOCUMENT,
        upload=pdf_upload("passeport.pdf"),
        person=person,
    )
    sensitive_note_add(actor=caseworker, case=assisting_case, kind="medical", text="Asthme")

    withdrawn = case_withdraw(
        actor=caseworker,
        case=fresh(assisting_case),
        reason="  A trouvé un emploi à Casablanca ",
        on=date(2026, 1, 15),
    )

    stored = fresh(assisting_case)
    assert withdrawn.status == stored.status == CaseStatus.WITHDRAWN
    assert stored.withdrawal_reason == "A trouvé un emploi à Casablanca"
    assert stored.withdrawn_on == date(2026, 1, 15)
    assert Person.objects.filter(case=stored).count() == 2
    assert Assistance.objects.filter(case=stored).count() == 1
    assert CounsellingSession.objects.filter(case=stored).count() == 1
    assert list(ReturnDeclaration.objects.filter(case=stored)) == [declaration]
    assert Attachment.objects.filter(case=stored).count() == 2
    assert SensitiveNote.objects.filter(case=stored).count() == 1
    assert Path(declaration.scan.file.path).is_file()
    last = transitions(assisting_case)[-1]
    assert last.actor == caseworker
    assert last.changes == {
        "status": ["assisting", "withdrawn"],
        "reason": "A trouvé un emploi à Casablanca",
    }


# Stage dates --------------------------------------------------------------------------


def test_stage_dates_are_set(caseworker: User, today: date) -> None:
    case = register_case(caseworker)
    case = case_transition(
        actor=caseworker, case=case, to_status=CaseStatus.ASSISTING, on=date(2026, 2, 1)
    )
    assert fresh(case).assistance_started_on == date(2026, 2, 1)
    sign_declaration(case, caseworker)
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.READY)
    assert fresh(case).ready_on == today
    case = case_withdraw(actor=caseworker, case=case, reason="Raisons familiales")
    stored = fresh(case)
    assert stored.withdrawn_on == today
    assert (stored.assistance_started_on, stored.ready_on) == (date(2026, 2, 1), today)
    # registered → assisting → ready → withdrawn: three transitions, three versions more.
    assert stored.version == 4
    assert [event.changes["status"] for event in transitions(case)] == [
        ["registered", "assisting"],
        ["assisting", "ready"],
        ["ready", "withdrawn"],
    ]


def test_stage_dates_keep_the_first_time(caseworker: User) -> None:
    case = register_case(caseworker)
    case = case_transition(
        actor=caseworker, case=case, to_status=CaseStatus.ASSISTING, on=date(2026, 2, 1)
    )
    sign_declaration(case, caseworker)
    case = case_transition(
        actor=caseworker, case=case, to_status=CaseStatus.READY, on=date(2026, 3, 1)
    )
    case = case_transition(
        actor=caseworker, case=case, to_status=CaseStatus.ASSISTING, on=date(2026, 3, 5)
    )
    case = case_transition(
        actor=caseworker, case=case, to_status=CaseStatus.READY, on=date(2026, 3, 9)
    )
    stored = fresh(case)
    assert stored.assistance_started_on == date(2026, 2, 1)
    assert stored.ready_on == date(2026, 3, 1)


def test_waiting_funds_has_no_stage_date(caseworker: User) -> None:
    case = register_case(caseworker)
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.ASSISTING)
    sign_declaration(case, caseworker)
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.READY)
    case = case_transition(actor=caseworker, case=case, to_status=CaseStatus.WAITING_FUNDS)
    stored = fresh(case)
    assert stored.status == CaseStatus.WAITING_FUNDS
    assert stored.withdrawn_on is None


# next_steps ---------------------------------------------------------------------------


def test_next_steps_of_a_new_case(caseworker: User) -> None:
    case = register_case(caseworker)
    assert next_steps(case) == [(CaseStatus.ASSISTING, []), (CaseStatus.WITHDRAWN, [])]


def test_next_steps_say_what_is_missing(assisting_case: Case) -> None:
    assert next_steps(fresh(assisting_case)) == [
        (CaseStatus.READY, [NO_DECLARATION]),
        (CaseStatus.WITHDRAWN, []),
    ]


def test_next_steps_when_ready(assisting_case: Case, caseworker: User) -> None:
    sign_declaration(assisting_case, caseworker)
    case = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert next_steps(case) == [
        (CaseStatus.ASSISTING, []),
        (CaseStatus.WAITING_FUNDS, []),
        # The departure phase's guards (tests/cases/departure/ prove each).
        (CaseStatus.DEPARTED, ["Sans billet : CAMARA Mariama, CAMARA Ibrahima."]),
        (CaseStatus.WITHDRAWN, []),
    ]


def test_next_steps_of_an_unaccompanied_minor(unaccompanied_case: Case) -> None:
    assert next_steps(unaccompanied_case) == [
        (CaseStatus.READY, [NO_JUSTICE]),
        (CaseStatus.WITHDRAWN, []),
    ]


def test_no_next_steps_after_withdrawal(caseworker: User) -> None:
    case = case_withdraw(actor=caseworker, case=register_case(caseworker), reason="Reste")
    assert next_steps(case) == []


# register_guard -----------------------------------------------------------------------


def test_register_guard_adds_a_guard(
    monkeypatch: pytest.MonkeyPatch, assisting_case: Case, caseworker: User
) -> None:
    monkeypatch.setitem(workflow._guards, CaseStatus.WAITING_FUNDS, [])
    seen: list[int] = []

    def needs_funding_request(case: Case) -> str | Promise | None:
        seen.append(case.pk)
        if case.priority == 0:
            return gettext_lazy("La demande de financement n'est pas envoyée.")
        return None

    register_guard(CaseStatus.WAITING_FUNDS, needs_funding_request)
    register_guard(CaseStatus.WAITING_FUNDS, needs_funding_request)  # only once
    assert workflow._guards[CaseStatus.WAITING_FUNDS] == [needs_funding_request]

    sign_declaration(assisting_case, caseworker)
    case = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert missing_for(case, CaseStatus.WAITING_FUNDS) == [
        "La demande de financement n'est pas envoyée."
    ]
    assert (CaseStatus.WAITING_FUNDS, ["La demande de financement n'est pas envoyée."]) in (
        next_steps(case)
    )
    with pytest.raises(ValidationError) as excinfo:
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.WAITING_FUNDS)
    assert excinfo.value.messages == ["La demande de financement n'est pas envoyée."]
    assert fresh(case).status == CaseStatus.READY
    assert case.pk in seen

    Case.objects.filter(pk=case.pk).update(priority=1)
    moved = case_transition(actor=caseworker, case=fresh(case), to_status=CaseStatus.WAITING_FUNDS)
    assert moved.status == CaseStatus.WAITING_FUNDS


def test_a_guard_for_one_status_does_not_block_another(
    monkeypatch: pytest.MonkeyPatch, caseworker: User
) -> None:
    monkeypatch.setitem(workflow._guards, CaseStatus.WITHDRAWN, [])
    register_guard(CaseStatus.WITHDRAWN, lambda case: "Bloqué")
    case = register_case(caseworker)
    assert missing_for(case, CaseStatus.WITHDRAWN) == ["Bloqué"]
    assert missing_for(case, CaseStatus.ASSISTING) == []


def test_the_built_in_guards_of_ready() -> None:
    built_in = [
        workflow.needs_principal_applicant,
        workflow.needs_country_of_return,
        workflow.needs_signed_declaration,
        workflow.needs_justice_decision,
    ]
    registered = workflow._guards[CaseStatus.READY]
    assert [guard for guard in registered if guard in built_in] == built_in


# register_transition, register_stage_date ----------------------------------------------


@pytest.fixture
def restored_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a test registers is gone after it."""
    monkeypatch.setattr(
        workflow, "_transitions", {status: set(t) for status, t in workflow._transitions.items()}
    )
    monkeypatch.setattr(workflow, "_stage_dates", dict(workflow._stage_dates))
    monkeypatch.setattr(
        workflow, "_guards", {status: list(g) for status, g in workflow._guards.items()}
    )


def test_the_programme_transitions_are_registered() -> None:
    assert {status: set(allowed_targets(status)) for status in CaseStatus} == EXPECTED_TRANSITIONS


def test_the_built_in_stage_dates() -> None:
    assert {status: stage_date_field(status) for status in CaseStatus} == {
        CaseStatus.REGISTERED: None,
        CaseStatus.ASSISTING: "assistance_started_on",
        CaseStatus.READY: "ready_on",
        CaseStatus.WAITING_FUNDS: None,
        CaseStatus.DEPARTED: "departed_on",
        CaseStatus.REINTEGRATING: None,
        CaseStatus.CLOSED: None,
        CaseStatus.WITHDRAWN: "withdrawn_on",
    }


@pytest.mark.usefixtures("restored_registries")
def test_a_later_phase_adds_a_transition_with_its_guard_and_stage_date(
    assisting_case: Case, caseworker: User
) -> None:
    # As a phase does from its app's ready() (departure registers `ready → departed`): here
    # an imaginary `ready → closed`, stamping any empty date field of the case.
    register_transition(CaseStatus.READY, CaseStatus.CLOSED)
    register_transition(CaseStatus.READY, CaseStatus.CLOSED)  # only once
    register_stage_date(CaseStatus.CLOSED, "justice_decision_on")
    register_guard(CaseStatus.CLOSED, lambda case: None if case.priority else "Pas de billet")
    assert allowed_targets(CaseStatus.READY) == {
        CaseStatus.ASSISTING,
        CaseStatus.WAITING_FUNDS,
        CaseStatus.DEPARTED,
        CaseStatus.CLOSED,
        CaseStatus.WITHDRAWN,
    }

    sign_declaration(assisting_case, caseworker)
    case = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    assert (CaseStatus.CLOSED, ["Pas de billet"]) in next_steps(case)
    Case.objects.filter(pk=case.pk).update(priority=1)
    closed = case_transition(
        actor=caseworker, case=fresh(case), to_status=CaseStatus.CLOSED, on=date(2026, 4, 2)
    )
    stored = fresh(closed)
    assert stored.status == CaseStatus.CLOSED
    assert stored.justice_decision_on == date(2026, 4, 2)
    assert transitions(case)[-1].changes["status"] == ["ready", "closed"]


@pytest.mark.usefixtures("restored_registries")
def test_without_its_registration_the_transition_is_refused(
    assisting_case: Case, caseworker: User
) -> None:
    sign_declaration(assisting_case, caseworker)
    case = case_transition(actor=caseworker, case=assisting_case, to_status=CaseStatus.READY)
    with pytest.raises(ValidationError, match="ne peut pas passer à « Clôturé »"):
        case_transition(actor=caseworker, case=case, to_status=CaseStatus.CLOSED)
    assert fresh(case).status == CaseStatus.READY


@pytest.mark.usefixtures("restored_registries")
def test_a_stage_date_is_registered_once_per_status() -> None:
    register_stage_date(CaseStatus.READY, "ready_on")  # the same again: nothing changes
    with pytest.raises(ValueError, match=r"already stamps Case\.ready_on"):
        register_stage_date(CaseStatus.READY, "justice_decision_on")
    with pytest.raises(ValueError, match="not a date field"):
        register_stage_date(CaseStatus.CLOSED, "withdrawal_reason")
    assert stage_date_field(CaseStatus.READY) == "ready_on"
    assert stage_date_field(CaseStatus.CLOSED) is None
