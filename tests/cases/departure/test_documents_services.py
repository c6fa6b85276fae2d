"""Travel documents and laissez-passer requests through their services: each step of the
request's life, the refusal of the impossible ones with their reason, who may write, and
the case timeline."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from avrr.models import AuditEvent, User
from cases.departure.models import Embassy, LpcStatus, TravelDocumentKind
from cases.departure.services.documents import (
    lpc_expire,
    lpc_issue,
    lpc_refuse,
    lpc_request,
    lpc_schedule_interview,
    passport_record,
)
from cases.departure.workflow import valid_travel_document
from cases.models import Case, CaseStatus, Person
from cases.selectors import case_timeline
from cases.timeline import describe


def test_a_passport_is_the_persons_valid_travel_document(
    caseworker: User, mother: Person, today: date
) -> None:
    passport = passport_record(
        actor=caseworker,
        person=mother,
        number=" gn123456 ",
        issuing_country="GN",
        issued_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=300),
        copy_held=True,
    )
    assert (passport.kind, passport.number, passport.copy_held) == ("passport", "GN123456", True)
    assert valid_travel_document(mother, today + timedelta(days=30)) == passport
    assert valid_travel_document(mother, today + timedelta(days=301)) is None


def test_an_expired_passport_is_recorded_but_not_valid(
    caseworker: User, mother: Person, today: date
) -> None:
    passport_record(
        actor=caseworker,
        person=mother,
        number="GN1",
        issuing_country="GN",
        expires_on=today - timedelta(days=1),
    )
    assert mother.travel_documents.count() == 1
    assert valid_travel_document(mother, today) is None


@pytest.mark.parametrize(
    ("issued_in", "expires_in", "message"),
    [
        (1, 400, "La date de délivrance est dans le futur."),
        (-10, -20, "Le passeport doit expirer après sa date de délivrance."),
    ],
)
def test_a_passport_with_impossible_dates_is_refused(
    caseworker: User, mother: Person, today: date, issued_in: int, expires_in: int, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        passport_record(
            actor=caseworker,
            person=mother,
            number="GN1",
            issuing_country="GN",
            issued_on=today + timedelta(days=issued_in),
            expires_on=today + timedelta(days=expires_in),
        )
    assert refused.value.messages == [message]
    assert not mother.travel_documents.exists()


def test_the_same_passport_cannot_be_recorded_twice(
    caseworker: User, mother: Person, son: Person, today: date
) -> None:
    passport_record(
        actor=caseworker, person=mother, number="GN1", issuing_country="GN", expires_on=today
    )
    with pytest.raises(ValidationError, match="déjà enregistré"):
        passport_record(
            actor=caseworker, person=son, number="gn1", issuing_country="GN", expires_on=today
        )


def test_only_the_staff_of_the_cases_office_record_documents(
    other_office_caseworker: User,
    mother: Person,
    guinea_embassy: Embassy,
    today: date,
) -> None:
    with pytest.raises(PermissionDenied):
        passport_record(
            actor=other_office_caseworker,
            person=mother,
            number="GN1",
            issuing_country="GN",
            expires_on=today,
        )
    with pytest.raises(PermissionDenied):
        lpc_request(
            actor=other_office_caseworker, person=mother, embassy=guinea_embassy, requested_on=today
        )


def test_a_laissez_passer_goes_from_request_to_interview_to_issued(
    caseworker: User, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    request = lpc_request(
        actor=caseworker,
        person=mother,
        embassy=guinea_embassy,
        requested_on=today - timedelta(days=20),
    )
    assert request.status == LpcStatus.REQUESTED
    request = lpc_schedule_interview(
        actor=caseworker, request=request, interview_on=today + timedelta(days=3)
    )
    assert (request.status, request.interview_on) == (
        LpcStatus.INTERVIEW,
        today + timedelta(days=3),
    )
    request = lpc_issue(
        actor=caseworker,
        request=request,
        number="LP-2026-77",
        issued_on=today,
        expires_on=today + timedelta(days=60),
    )
    assert request.status == LpcStatus.ISSUED
    document = request.document
    assert document is not None
    assert (document.kind, document.number, document.issuing_country) == (
        TravelDocumentKind.LPC,
        "LP-2026-77",
        "GN",
    )
    assert valid_travel_document(mother, today + timedelta(days=10)) == document


def test_the_embassy_can_refuse_with_its_reason(
    caseworker: User, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    request = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today
    )
    with pytest.raises(ValidationError, match="motif"):
        lpc_refuse(actor=caseworker, request=request, reason="  ")
    request = lpc_refuse(actor=caseworker, request=request, reason="Nationalité non établie.")
    assert (request.status, request.refusal_reason) == (
        LpcStatus.REFUSED,
        "Nationalité non établie.",
    )
    # An answer given cannot be given again, nor another one.
    with pytest.raises(ValidationError) as refused:
        lpc_issue(
            actor=caseworker,
            request=request,
            number="X1",
            issued_on=today,
            expires_on=today + timedelta(days=30),
        )
    assert refused.value.messages == [
        "Cette demande de laissez-passer est « Refusé » : ce n'est plus possible."
    ]


def test_a_request_goes_to_the_embassy_of_the_persons_country(
    caseworker: User, mother: Person, nigeria_embassy: Embassy, today: date
) -> None:
    with pytest.raises(ValidationError) as refused:
        lpc_request(actor=caseworker, person=mother, embassy=nigeria_embassy, requested_on=today)
    assert "nationalité Guinée" in refused.value.messages[0]


def test_one_unanswered_request_at_a_time(
    caseworker: User, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    first = lpc_request(actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today)
    with pytest.raises(ValidationError, match="attend déjà la réponse"):
        lpc_request(actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today)
    lpc_refuse(actor=caseworker, request=first, reason="Dossier incomplet.")
    second = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today
    )
    assert second.status == LpcStatus.REQUESTED


def test_no_future_date_for_what_happened(
    caseworker: User, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    tomorrow = today + timedelta(days=1)
    with pytest.raises(ValidationError, match="demande est dans le futur"):
        lpc_request(actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=tomorrow)
    request = lpc_request(
        actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today
    )
    with pytest.raises(ValidationError, match="délivrance est dans le futur"):
        lpc_issue(
            actor=caseworker,
            request=request,
            number="X1",
            issued_on=tomorrow,
            expires_on=tomorrow + timedelta(days=30),
        )
    with pytest.raises(ValidationError, match="ne peut pas précéder la demande"):
        lpc_schedule_interview(
            actor=caseworker, request=request, interview_on=today - timedelta(days=1)
        )


def test_only_an_issued_laissez_passer_whose_date_passed_expires(
    caseworker: User, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    request = lpc_request(
        actor=caseworker,
        person=mother,
        embassy=guinea_embassy,
        requested_on=today - timedelta(days=90),
    )
    with pytest.raises(ValidationError, match="« Demandé »"):
        lpc_expire(actor=caseworker, request=request)
    request = lpc_issue(
        actor=caseworker,
        request=request,
        number="LP1",
        issued_on=today - timedelta(days=60),
        expires_on=today,
    )
    with pytest.raises(ValidationError, match="pas encore expiré"):
        lpc_expire(actor=caseworker, request=request)
    assert request.document is not None
    type(request.document).objects.filter(pk=request.document.pk).update(
        expires_on=today - timedelta(days=1)
    )
    request = lpc_expire(actor=caseworker, request=request)
    assert request.status == LpcStatus.EXPIRED
    assert valid_travel_document(mother, today) is None


def test_no_new_document_once_the_case_departed(
    caseworker: User, household: Case, mother: Person, guinea_embassy: Embassy, today: date
) -> None:
    Case.objects.filter(pk=household.pk).update(status=CaseStatus.DEPARTED)
    with pytest.raises(ValidationError, match="ne changent plus"):
        lpc_request(actor=caseworker, person=mother, embassy=guinea_embassy, requested_on=today)


def test_each_step_is_told_in_the_case_timeline(
    caseworker: User,
    household: Case,
    mother: Person,
    son: Person,
    guinea_embassy: Embassy,
    today: date,
) -> None:
    passport_record(
        actor=caseworker,
        person=mother,
        number="GN1",
        issuing_country="GN",
        expires_on=date(2031, 5, 31),
    )
    request = lpc_request(actor=caseworker, person=son, embassy=guinea_embassy, requested_on=today)
    lpc_schedule_interview(actor=caseworker, request=request, interview_on=date(2031, 1, 2))
    lpc_refuse(actor=caseworker, request=request, reason="Acte de naissance demandé.")
    other = lpc_request(actor=caseworker, person=son, embassy=guinea_embassy, requested_on=today)
    lpc_issue(
        actor=caseworker,
        request=other,
        number="LP9",
        issued_on=today,
        expires_on=date(2031, 3, 1),
    )
    lines = [describe(event) for event in case_timeline(household).order_by("pk")]
    assert lines[-6:] == [
        "Passeport enregistré pour CAMARA Mariama (expire le 31/05/2031).",
        "Laissez-passer demandé pour CAMARA Ibrahima à Ambassade — Guinée (Rabat).",
        "Entretien d'identification de CAMARA Ibrahima le 02/01/2031.",
        "Laissez-passer refusé à CAMARA Ibrahima. Motif : Acte de naissance demandé.",
        "Laissez-passer demandé pour CAMARA Ibrahima à Ambassade — Guinée (Rabat).",
        "Laissez-passer délivré à CAMARA Ibrahima (expire le 01/03/2031).",
    ]
    assert AuditEvent.objects.filter(action__startswith="lpc.", actor=caseworker).count() == 5
