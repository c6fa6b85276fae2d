"""Referrals from partner NGOs: submission, idempotency, correction, triage and acceptance."""

import dataclasses
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from pytest_django import Settings

from avrr.errors import IdempotencyConflict
from avrr.models import AuditEvent, Organisation, Sequence, User
from avrr.roles import Role
from cases.models import (
    Attachment,
    Case,
    CaseStatus,
    DuplicateReview,
    Person,
    Priority,
    ReferralSource,
    Relationship,
    Vulnerability,
)
from cases.referrals import selectors, services
from cases.referrals.models import (
    IdempotencyRecord,
    Referral,
    ReferralAttachment,
    ReferralStatus,
    ReferredPerson,
    Urgency,
)
from cases.referrals.services import (
    ReferralData,
    ReferredPersonData,
    referral_accept,
    referral_correct,
    referral_decline,
    referral_review_start,
    referral_submit,
    referral_withdraw,
)
from cases.selectors import duplicate_candidates
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    pdf_upload,
    person_data,
    referral_data,
    register_case,
)

CONSENT_REQUIRED = (
    "Le consentement de la personne au partage de ses données avec l'OIM est "
    "obligatoire : indiquez sa date et qui l'a recueilli."
)
TEXT_BYTES = b"Konate Aminata, nee le 11/02/1996, passeport CI123456\n"

TRACKED_MODELS: tuple[type[Model], ...] = (
    Referral,
    ReferredPerson,
    ReferralAttachment,
    IdempotencyRecord,
    Sequence,
    AuditEvent,
    Case,
    Person,
    Vulnerability,
    Attachment,
)


def status_shown_to_ngo(referral: Referral) -> str:
    shown = selectors.referrals_with_status_shown(
        Referral.objects.filter(pk=referral.pk), as_referring_organisation=True
    )
    return str(shown.get().status_shown)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def other_ngo_referrer(other_ngo: Organisation) -> User:
    return UserFactory.create(username="ngo2", role=Role.NGO_REFERRER, organisation=other_ngo)


@pytest.fixture
def referral(ngo_referrer: User, office_rabat: Organisation) -> Referral:
    """A mother and her son, referred by NGO1 to the Rabat office."""
    created, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    return created


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TRACKED_MODELS}


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def fresh(referral: Referral) -> Referral:
    return Referral.objects.select_related("case").get(pk=referral.pk)


def people_of(data: ReferralData, **changes: Any) -> list[ReferredPersonData]:
    """The data's people, each with `changes` applied."""
    return [dataclasses.replace(person, **changes) for person in data.people]


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    return dict(error.message_dict)


# Submission ---------------------------------------------------------------------------


def test_reference_format_and_sequence_per_organisation(
    ngo_referrer: User, other_ngo_referrer: User, office_rabat: Organisation
) -> None:
    year = timezone.localdate().year
    first, created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    second, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    other, _ = referral_submit(actor=other_ngo_referrer, data=referral_data(office_rabat))
    assert created is True
    assert first.reference == f"REF-NGO1-{year}-00001"
    assert second.reference == f"REF-NGO1-{year}-00002"
    assert other.reference == f"REF-NGO2-{year}-00001"


def test_submission_stores_the_referral(ngo_referrer: User, office_rabat: Organisation) -> None:
    referral, _ = referral_submit(
        actor=ngo_referrer,
        data=referral_data(
            office_rabat,
            reason="  Souhaite rentrer.  ",
            consent_taken_by="  Fatou Diallo ",
            contact_phone=" +212 600 00 00 00 ",
            urgency=Urgency.URGENT,
        ),
    )
    referral = fresh(referral)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.organisation.code == "NGO1"
    assert referral.office == office_rabat
    assert referral.submitted_by == ngo_referrer
    assert referral.urgency == Urgency.URGENT
    assert referral.reason == "Souhaite rentrer."
    assert referral.contact_phone == "+212 600 00 00 00"
    assert referral.consent_given_on == date(2026, 1, 10)
    assert referral.consent_taken_by == "Fatou Diallo"
    assert referral.version == 1
    assert referral.case is None
    assert referral.reviewed_by is None
    assert status_shown_to_ngo(referral) == ReferralStatus.SUBMITTED


def test_people_are_stored_with_their_vulnerabilities(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    data = referral_data(office_rabat)
    data.people[0].vulnerabilities = ["single_parent", "pregnant", "single_parent"]
    data.people[0].languages = " Français, Dioula "
    referral, _ = referral_submit(actor=ngo_referrer, data=data)
    mother, child = ReferredPerson.objects.filter(referral=referral).order_by("id")
    assert (mother.family_name, mother.given_name, mother.sex) == ("Konaté", "Aminata", "F")
    assert mother.relationship == Relationship.PRINCIPAL
    assert str(mother.nationality) == "CI"
    assert mother.birth_date == date(1996, 2, 11)
    assert mother.languages == "Français, Dioula"
    assert mother.vulnerabilities == ["pregnant", "single_parent"]
    assert (child.family_name, child.given_name, child.sex) == ("Konaté", "Moussa", "M")
    assert child.relationship == Relationship.CHILD
    assert child.age == 4
    assert child.birth_date is None
    assert child.vulnerabilities == []


def test_submission_is_audited(ngo_referrer: User, office_rabat: Organisation) -> None:
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    event = AuditEvent.objects.get(action="referral.submit")
    assert event.actor == ngo_referrer
    assert event.actor_username == "ngo"
    assert event.target_type == ContentType.objects.get_for_model(Referral)
    assert event.target_id == str(referral.pk)
    assert event.changes == {"people": 2, "consent_given_on": "2026-01-10"}
    # The trail names no one.
    assert "Konaté" not in str(event.changes)


@pytest.mark.parametrize(
    ("consent_given_on", "consent_taken_by"),
    [(None, "Fatou Diallo"), (date(2026, 1, 10), ""), (date(2026, 1, 10), "   "), (None, "")],
    ids=["no-date", "no-taker", "blank-taker", "nothing"],
)
def test_submission_without_consent_is_refused(
    ngo_referrer: User,
    office_rabat: Organisation,
    media_root: Path,
    consent_given_on: date | None,
    consent_taken_by: str,
) -> None:
    before = row_counts()
    data = referral_data(
        office_rabat,
        consent_given_on=consent_given_on,
        consent_taken_by=consent_taken_by,
        attachments=[("declaration", pdf_upload())],
    )
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data, idempotency_key="k-1", request_hash="h")
    assert validation_messages(refused.value) == {"consent": [CONSENT_REQUIRED]}
    assert row_counts() == before
    assert files_under(media_root) == []


def test_consent_given_today_is_accepted(ngo_referrer: User, office_rabat: Organisation) -> None:
    today = timezone.localdate()
    referral, _ = referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat, consent_given_on=today)
    )
    assert fresh(referral).consent_given_on == today


def test_consent_in_the_future_is_refused(ngo_referrer: User, office_rabat: Organisation) -> None:
    before = row_counts()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        referral_submit(
            actor=ngo_referrer, data=referral_data(office_rabat, consent_given_on=tomorrow)
        )
    assert validation_messages(refused.value) == {
        "consent_given_on": ["La date du consentement est dans le futur."]
    }
    assert row_counts() == before


@pytest.mark.parametrize(
    "relationships", [("child", "child"), ("principal", "principal")], ids=["none", "two"]
)
def test_exactly_one_principal(
    ngo_referrer: User, office_rabat: Organisation, relationships: tuple[str, str]
) -> None:
    data = referral_data(office_rabat)
    for person, relationship in zip(data.people, relationships, strict=True):
        person.relationship = relationship
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert validation_messages(refused.value) == {
        "people": ["Un référencement a exactement une personne principale."]
    }
    assert row_counts() == before


def test_unknown_vulnerability_is_refused(ngo_referrer: User, office_rabat: Organisation) -> None:
    data = referral_data(office_rabat)
    data.people[1].vulnerabilities = ["flying", "disability"]
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert validation_messages(refused.value) == {"people": ["Vulnérabilité inconnue : flying."]}
    assert row_counts() == before


def test_people_need_names_and_a_birth_date_or_age(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    data = referral_data(office_rabat)
    data.people[0].given_name = " "
    data.people[1].age = None
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert validation_messages(refused.value) == {
        "people": [
            "Personne 1 : nom et prénom requis.",
            "KONATÉ Moussa : la date de naissance ou l'âge est requis.",
        ]
    }


def test_every_problem_is_reported_at_once(ngo_referrer: User, ngo: Organisation) -> None:
    data = referral_data(ngo, reason=" ", consent_given_on=None, urgency=7)
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert set(validation_messages(refused.value)) == {"consent", "office", "reason", "urgency"}


@pytest.mark.parametrize("kind", ["ngo", "government", "iom_mission", "inactive_office"])
def test_office_must_be_an_active_iom_office(
    ngo_referrer: User, kind: str, office_rabat: Organisation
) -> None:
    if kind == "inactive_office":
        office = OrganisationFactory.create(code="TNG", name="OIM Tanger", is_active=False)
    elif kind == "ngo":
        office = ngo_referrer.organisation  # type: ignore[assignment]
    else:
        office = OrganisationFactory.create(code="XX", name="Ailleurs", kind=kind)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=referral_data(office))
    assert validation_messages(refused.value) == {"office": ["Choisissez un bureau de l'OIM."]}
    assert row_counts() == before


@pytest.mark.parametrize(
    "persona_fixture",
    ["caseworker", "supervisor", "ministry_focal_point", "admin_user", "reintegration_officer"],
)
def test_only_ngo_referrers_may_submit(
    request: pytest.FixtureRequest, persona_fixture: str, office_rabat: Organisation
) -> None:
    actor: User = request.getfixturevalue(persona_fixture)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        referral_submit(actor=actor, data=referral_data(office_rabat))
    assert row_counts() == before


def test_a_deactivated_ngo_may_not_submit(
    ngo_referrer: User, ngo: Organisation, office_rabat: Organisation
) -> None:
    Organisation.objects.filter(pk=ngo.pk).update(is_active=False)
    actor = User.objects.select_related("organisation").get(pk=ngo_referrer.pk)
    with pytest.raises(PermissionDenied):
        referral_submit(actor=actor, data=referral_data(office_rabat))
    assert not Referral.objects.exists()


def test_pdf_attachment_is_stored(
    ngo_referrer: User, office_rabat: Organisation, media_root: Path
) -> None:
    upload = pdf_upload("declaration-signee.pdf")
    content = upload.read()
    upload.seek(0)
    referral, _ = referral_submit(
        actor=ngo_referrer,
        data=referral_data(office_rabat, attachments=[("declaration", upload)]),
    )
    (attachment,) = ReferralAttachment.objects.filter(referral=referral)
    assert attachment.kind == "declaration"
    assert attachment.original_name == "declaration-signee.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(content)
    stored_name = attachment.file.name or ""
    assert stored_name.startswith(f"referrals/{referral.pk}/")
    assert stored_name.endswith(".pdf")
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


def test_text_file_named_pdf_is_refused(
    ngo_referrer: User, office_rabat: Organisation, media_root: Path
) -> None:
    before = row_counts()
    fake = SimpleUploadedFile("passeport.pdf", TEXT_BYTES, "application/pdf")
    with pytest.raises(ValidationError) as refused:
        referral_submit(
            actor=ngo_referrer,
            data=referral_data(office_rabat, attachments=[("identity_document", fake)]),
        )
    assert validation_messages(refused.value) == {
        "attachments": ["Seuls les fichiers PDF, JPEG et PNG sont acceptés."]
    }
    assert row_counts() == before
    assert files_under(media_root) == []


# Idempotency --------------------------------------------------------------------------


def test_same_key_and_request_returns_the_first_referral(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    first, created = referral_submit(
        actor=ngo_referrer,
        data=referral_data(office_rabat),
        idempotency_key="kobo-42",
        request_hash="a" * 64,
    )
    assert created is True
    before = row_counts()
    again, created_again = referral_submit(
        actor=ngo_referrer,
        data=referral_data(office_rabat),
        idempotency_key="kobo-42",
        request_hash="a" * 64,
    )
    assert created_again is False
    assert again.pk == first.pk
    assert again.reference == first.reference
    assert row_counts() == before
    record = IdempotencyRecord.objects.get(key="kobo-42")
    assert record.referral_id == first.pk
    assert record.organisation.code == "NGO1"


def test_a_retry_by_a_colleague_of_the_same_ngo_is_answered_too(
    ngo_referrer: User, ngo: Organisation, office_rabat: Organisation
) -> None:
    colleague = UserFactory.create(
        username="ngo.colleague", role=Role.NGO_REFERRER, organisation=ngo
    )
    first, _ = referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat), idempotency_key="k", request_hash="h"
    )
    again, created = referral_submit(
        actor=colleague, data=referral_data(office_rabat), idempotency_key="k", request_hash="h"
    )
    assert (again.pk, created) == (first.pk, False)


def test_same_key_with_a_different_request_is_a_conflict(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    first, _ = referral_submit(
        actor=ngo_referrer,
        data=referral_data(office_rabat),
        idempotency_key="kobo-42",
        request_hash="a" * 64,
    )
    before = row_counts()
    with pytest.raises(IdempotencyConflict):
        referral_submit(
            actor=ngo_referrer,
            data=referral_data(office_rabat, reason="Autre chose."),
            idempotency_key="kobo-42",
            request_hash="b" * 64,
        )
    assert row_counts() == before
    assert IdempotencyRecord.objects.get(key="kobo-42").request_hash == "a" * 64
    assert Referral.objects.get().pk == first.pk


def test_idempotency_keys_are_per_organisation(
    ngo_referrer: User, other_ngo_referrer: User, office_rabat: Organisation
) -> None:
    mine, _ = referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat), idempotency_key="1", request_hash="h"
    )
    theirs, created = referral_submit(
        actor=other_ngo_referrer,
        data=referral_data(office_rabat),
        idempotency_key="1",
        request_hash="other",
    )
    assert created is True
    assert theirs.pk != mine.pk
    assert theirs.organisation.code == "NGO2"
    assert IdempotencyRecord.objects.filter(key="1").count() == 2


def test_a_refused_submission_does_not_burn_its_key(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    with pytest.raises(ValidationError):
        referral_submit(
            actor=ngo_referrer,
            data=referral_data(office_rabat, consent_given_on=None),
            idempotency_key="k",
            request_hash="h1",
        )
    referral, created = referral_submit(
        actor=ngo_referrer, data=referral_data(office_rabat), idempotency_key="k", request_hash="h2"
    )
    assert created is True
    assert IdempotencyRecord.objects.get(key="k").referral_id == referral.pk


def test_without_a_key_each_submission_is_new(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    assert Referral.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.parametrize("same_request", [True, False], ids=["retry", "conflict"])
def test_concurrent_requests_with_one_key(
    postgres: None,
    transactional_db: None,
    ngo_referrer: User,
    office_rabat: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    same_request: bool,
) -> None:
    """The second request waits for the first to commit, then is answered from it."""
    first_inside = threading.Event()
    release_first = threading.Event()
    validate = services._validate

    def slow_validate(data: ReferralData) -> None:
        if threading.current_thread().name == "first":
            first_inside.set()  # its key is inserted, not yet committed
            release_first.wait(10)
        validate(data)

    monkeypatch.setattr(services, "_validate", slow_validate)
    results: dict[str, tuple[Referral, bool] | Exception] = {}

    def run(name: str, request_hash: str) -> None:
        try:
            results[name] = referral_submit(
                actor=ngo_referrer,
                data=referral_data(office_rabat),
                idempotency_key="kobo-42",
                request_hash=request_hash,
            )
        except Exception as error:  # handed to the test thread
            results[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", "h1"), name="first")
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(
        target=run, args=("second", "h1" if same_request else "h2"), name="second"
    )
    second.start()
    time.sleep(1)
    assert second.is_alive(), results  # waiting on the first request's key
    release_first.set()
    first.join(20)
    second.join(20)

    first_result = results["first"]
    assert isinstance(first_result, tuple), first_result
    referral, created = first_result
    assert created is True
    if same_request:
        assert results["second"] == (referral, False)
    else:
        assert isinstance(results["second"], IdempotencyConflict)
    assert Referral.objects.count() == 1
    assert IdempotencyRecord.objects.get().referral_id == referral.pk


# Correction and withdrawal ------------------------------------------------------------


def test_the_ngo_corrects_its_submitted_referral(
    referral: Referral, ngo: Organisation, office_oujda: Organisation
) -> None:
    colleague = UserFactory.create(
        username="ngo.colleague", role=Role.NGO_REFERRER, organisation=ngo
    )
    data = referral_data(
        office_oujda,
        reason="Motif corrigé.",
        urgency=Urgency.URGENT,
        contact_phone="+212 611 11 11 11",
        consent_taken_by="Awa Sow",
        consent_given_on=date(2026, 1, 12),
        people=[
            ReferredPersonData(
                family_name="Konaté",
                given_name="Aminata",
                sex="F",
                nationality="CI",
                birth_date=date(1996, 2, 12),
                vulnerabilities=["pregnant"],
            )
        ],
    )
    corrected = referral_correct(actor=colleague, referral=referral, data=data)
    corrected = fresh(corrected)
    assert corrected.office == office_oujda
    assert corrected.reason == "Motif corrigé."
    assert corrected.urgency == Urgency.URGENT
    assert corrected.contact_phone == "+212 611 11 11 11"
    assert corrected.consent_taken_by == "Awa Sow"
    assert corrected.consent_given_on == date(2026, 1, 12)
    assert corrected.version == 2
    assert corrected.status == ReferralStatus.SUBMITTED
    assert corrected.reference == referral.reference
    (person,) = corrected.people.all()
    assert person.birth_date == date(1996, 2, 12)
    assert person.vulnerabilities == ["pregnant"]
    assert AuditEvent.objects.filter(
        action="referral.correct", target_id=str(referral.pk), actor=colleague
    ).exists()


def test_an_invalid_correction_changes_nothing(
    referral: Referral, ngo_referrer: User, office_rabat: Organisation
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError):
        referral_correct(
            actor=ngo_referrer,
            referral=referral,
            data=referral_data(office_rabat, consent_given_on=None, reason="Autre"),
        )
    assert row_counts() == before
    assert fresh(referral).version == 1
    assert fresh(referral).reason == "Souhaite rentrer auprès de sa famille à Abidjan."


@pytest.mark.parametrize("reviewer", ["caseworker", "supervisor"])
def test_no_correction_once_iom_reviews(
    request: pytest.FixtureRequest,
    referral: Referral,
    ngo_referrer: User,
    office_rabat: Organisation,
    reviewer: str,
) -> None:
    referral_review_start(actor=request.getfixturevalue(reviewer), referral=referral)
    with pytest.raises(ValidationError):
        referral_correct(
            actor=ngo_referrer,
            referral=referral,
            data=referral_data(office_rabat, reason="Corrigé"),
        )
    assert fresh(referral).reason == "Souhaite rentrer auprès de sa famille à Abidjan."


@pytest.mark.parametrize(
    "outsider", ["other_ngo_referrer", "caseworker", "admin_user", "ministry_focal_point"]
)
def test_only_the_submitting_organisation_corrects(
    request: pytest.FixtureRequest, referral: Referral, office_rabat: Organisation, outsider: str
) -> None:
    actor: User = request.getfixturevalue(outsider)
    before = row_counts()
    with pytest.raises((ValidationError, PermissionDenied)):
        referral_correct(
            actor=actor, referral=referral, data=referral_data(office_rabat, reason="Piraté")
        )
    assert row_counts() == before
    assert fresh(referral).version == 1


def test_the_ngo_withdraws_its_referral(referral: Referral, ngo_referrer: User) -> None:
    withdrawn = referral_withdraw(actor=ngo_referrer, referral=referral)
    referral = fresh(withdrawn)
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.version == 2
    assert referral.reviewed_by is None
    assert referral.status_changed_at >= referral.submitted_at
    event = AuditEvent.objects.get(action="referral.status", target_id=str(referral.pk))
    assert event.changes == {"status": ["submitted", "withdrawn"]}
    assert event.actor == ngo_referrer


def test_withdrawal_is_refused_once_reviewed_or_withdrawn(
    referral: Referral, ngo_referrer: User, caseworker: User
) -> None:
    referral_withdraw(actor=ngo_referrer, referral=referral)
    with pytest.raises(ValidationError):
        referral_withdraw(actor=ngo_referrer, referral=referral)
    assert fresh(referral).version == 2


def test_withdrawal_is_refused_under_review(
    referral: Referral, ngo_referrer: User, caseworker: User
) -> None:
    referral_review_start(actor=caseworker, referral=referral)
    with pytest.raises(ValidationError):
        referral_withdraw(actor=ngo_referrer, referral=referral)
    assert fresh(referral).status == ReferralStatus.UNDER_REVIEW


@pytest.mark.parametrize("outsider", ["other_ngo_referrer", "caseworker"])
def test_only_the_submitting_organisation_withdraws(
    request: pytest.FixtureRequest, referral: Referral, outsider: str
) -> None:
    with pytest.raises((ValidationError, PermissionDenied)):
        referral_withdraw(actor=request.getfixturevalue(outsider), referral=referral)
    assert fresh(referral).status == ReferralStatus.SUBMITTED


# Triage -------------------------------------------------------------------------------


@pytest.mark.parametrize("reviewer", ["caseworker", "supervisor"])
def test_office_staff_start_the_review(
    request: pytest.FixtureRequest, referral: Referral, reviewer: str
) -> None:
    actor: User = request.getfixturevalue(reviewer)
    referral_review_start(actor=actor, referral=referral)
    referral = fresh(referral)
    assert referral.status == ReferralStatus.UNDER_REVIEW
    assert referral.reviewed_by == actor
    assert referral.version == 2
    event = AuditEvent.objects.get(action="referral.status", target_id=str(referral.pk))
    assert event.changes == {"status": ["submitted", "under_review"]}


TRIAGE: dict[str, Callable[[User, Referral], object]] = {
    "review": lambda actor, referral: referral_review_start(actor=actor, referral=referral),
    "decline": lambda actor, referral: referral_decline(
        actor=actor, referral=referral, reason="Hors mandat."
    ),
    "accept": lambda actor, referral: referral_accept(actor=actor, referral=referral),
}

OUTSIDERS = [
    "other_office_caseworker",
    "ngo_referrer",
    "admin_user",
    "ministry_focal_point",
    "reintegration_officer",
]


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("action", ["review", "decline", "accept"])
def test_only_staff_of_the_referral_office_triage(
    request: pytest.FixtureRequest, referral: Referral, outsider: str, action: str
) -> None:
    actor: User = request.getfixturevalue(outsider)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        TRIAGE[action](actor, referral)
    assert row_counts() == before
    assert fresh(referral).status == ReferralStatus.SUBMITTED


def test_review_is_not_started_twice(referral: Referral, caseworker: User) -> None:
    referral_review_start(actor=caseworker, referral=referral)
    with pytest.raises(ValidationError) as refused:
        referral_review_start(actor=caseworker, referral=referral)
    assert "En cours d'examen" in refused.value.messages[0]
    assert fresh(referral).version == 2


@pytest.mark.parametrize("action", ["review", "decline", "accept"])
def test_no_triage_after_withdrawal(
    referral: Referral, ngo_referrer: User, caseworker: User, action: str
) -> None:
    referral_withdraw(actor=ngo_referrer, referral=referral)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        TRIAGE[action](caseworker, referral)
    assert "Retiré" in refused.value.messages[0]
    assert row_counts() == before
    assert fresh(referral).status == ReferralStatus.WITHDRAWN


@pytest.mark.parametrize("start_review", [False, True], ids=["submitted", "under-review"])
def test_decline_with_a_reason(referral: Referral, caseworker: User, start_review: bool) -> None:
    if start_review:
        referral_review_start(actor=caseworker, referral=referral)
    referral_decline(actor=caseworker, referral=referral, reason="  Hors mandat du programme. ")
    referral = fresh(referral)
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Hors mandat du programme."
    assert referral.reviewed_by == caseworker
    assert referral.case is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_decline_needs_a_reason(referral: Referral, caseworker: User, reason: str) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_decline(actor=caseworker, referral=referral, reason=reason)
    assert refused.value.messages == ["Indiquez le motif du refus : l'ONG le lira."]
    assert row_counts() == before
    assert fresh(referral).status == ReferralStatus.SUBMITTED


def test_no_decline_or_accept_twice(referral: Referral, caseworker: User) -> None:
    referral_decline(actor=caseworker, referral=referral, reason="Hors mandat.")
    with pytest.raises(ValidationError):
        referral_decline(actor=caseworker, referral=referral, reason="Encore.")
    with pytest.raises(ValidationError):
        referral_accept(actor=caseworker, referral=referral)
    assert fresh(referral).decline_reason == "Hors mandat."
    assert not Case.objects.exists()


def test_accepted_referral_is_not_accepted_again_nor_declined(
    referral: Referral, caseworker: User
) -> None:
    referral_accept(actor=caseworker, referral=referral)
    before = row_counts()
    with pytest.raises(ValidationError):
        referral_accept(actor=caseworker, referral=referral)
    with pytest.raises(ValidationError):
        referral_decline(actor=caseworker, referral=referral, reason="Finalement non.")
    with pytest.raises(ValidationError):
        referral_review_start(actor=caseworker, referral=referral)
    assert row_counts() == before
    assert fresh(referral).status == ReferralStatus.ACCEPTED


# Acceptance ---------------------------------------------------------------------------


def test_accept_opens_a_case_with_the_people(
    ngo_referrer: User, ngo: Organisation, office_rabat: Organisation, supervisor: User
) -> None:
    data = referral_data(
        office_rabat,
        urgency=Urgency.URGENT,
        attachments=[("declaration", pdf_upload("declaration.pdf"))],
    )
    data.people[1].vulnerabilities = ["medical_condition"]
    referral, _ = referral_submit(actor=ngo_referrer, data=data)
    referral_review_start(actor=supervisor, referral=referral)
    case = referral_accept(actor=supervisor, referral=referral)

    case = Case.objects.get(pk=case.pk)
    assert case.office == office_rabat
    assert case.assigned_to == supervisor
    assert case.status == CaseStatus.REGISTERED
    assert case.referral_source == ReferralSource.NGO
    assert case.referring_organisation == ngo
    assert case.priority == Priority.URGENT
    assert case.referral == fresh(referral)

    mother, child = Person.objects.filter(case=case).order_by("id")
    assert (mother.family_name, mother.given_name, mother.sex) == ("Konaté", "Aminata", "F")
    assert str(mother.nationality) == "CI"
    assert mother.relationship == Relationship.PRINCIPAL
    assert mother.birth_date == date(1996, 2, 11)
    assert mother.phone == "+212 600 00 00 00"
    assert (child.family_name, child.given_name, child.sex) == ("Konaté", "Moussa", "M")
    assert str(child.nationality) == "CI"
    assert child.relationship == Relationship.CHILD
    assert child.phone == ""
    assert child.age_on(case.registered_on) == 4
    assert {v.code for v in Vulnerability.objects.filter(person=mother)} == {"single_parent"}
    assert {v.code for v in Vulnerability.objects.filter(person=child)} == {"medical_condition"}

    referral = fresh(referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.case == case
    assert referral.reviewed_by == supervisor
    assert referral.version == 3
    assert status_shown_to_ngo(referral) == ReferralStatus.ACCEPTED
    event = AuditEvent.objects.get(
        action="referral.status", target_id=str(referral.pk), changes__status__1="accepted"
    )
    assert event.scope_type == ContentType.objects.get_for_model(Case)
    assert event.scope_id == str(case.pk)


def test_accept_copies_the_attachments(
    ngo_referrer: User, office_rabat: Organisation, caseworker: User
) -> None:
    declaration = pdf_upload("declaration.pdf")
    passport = SimpleUploadedFile(
        "passeport.pdf", b"%PDF-1.7\n% passport scan\n%%EOF\n", "application/pdf"
    )
    referral, _ = referral_submit(
        actor=ngo_referrer,
        data=referral_data(
            office_rabat,
            attachments=[("declaration", declaration), ("travel_document", passport)],
        ),
    )
    case = referral_accept(actor=caseworker, referral=referral)
    copied = {a.original_name: a for a in Attachment.objects.filter(case=case)}
    assert set(copied) == {"declaration.pdf", "passeport.pdf"}
    for original in ReferralAttachment.objects.filter(referral=referral):
        copy = copied[original.original_name]
        assert copy.kind == original.kind
        assert copy.content_type == "application/pdf"
        assert copy.size == original.size
        assert copy.uploaded_by == caseworker
        assert copy.file.name != original.file.name
        with copy.file.open("rb") as new, original.file.open("rb") as old:
            assert new.read() == old.read()


def test_accept_from_submitted_directly(referral: Referral, caseworker: User) -> None:
    case = referral_accept(actor=caseworker, referral=referral)
    assert fresh(referral).case == case
    assert Person.objects.filter(case=case).count() == 2


def test_accepting_someone_already_known_asks_the_caseworker_to_link(
    referral: Referral, caseworker: User
) -> None:
    known_case = register_case(
        caseworker,
        person_data(
            family_name="Konaté",
            given_name="Aminata",
            nationality="CI",
            birth_date=date(1996, 9, 1),
        ),
    )
    known = Person.objects.get(case=known_case)
    case = referral_accept(actor=caseworker, referral=referral)
    mother = Person.objects.get(case=case, relationship=Relationship.PRINCIPAL)
    child = Person.objects.get(case=case, relationship=Relationship.CHILD)
    assert mother.duplicate_review == DuplicateReview.PENDING
    assert [p.pk for p in duplicate_candidates(mother)] == [known.pk]
    assert mother.linked_person is None
    assert child.duplicate_review == DuplicateReview.NONE


@pytest.mark.parametrize(
    ("case_status", "seen"),
    [
        (CaseStatus.REGISTERED, ReferralStatus.ACCEPTED),
        (CaseStatus.READY, ReferralStatus.ACCEPTED),
        (CaseStatus.WITHDRAWN, ReferralStatus.ACCEPTED),
        (CaseStatus.DEPARTED, ReferralStatus.DEPARTED),
        (CaseStatus.REINTEGRATING, ReferralStatus.DEPARTED),
        (CaseStatus.CLOSED, ReferralStatus.DEPARTED),
    ],
)
def test_status_for_organisation_follows_the_case(
    referral: Referral, caseworker: User, case_status: CaseStatus, seen: ReferralStatus
) -> None:
    case = referral_accept(actor=caseworker, referral=referral)
    Case.objects.filter(pk=case.pk).update(status=case_status)
    referral = fresh(referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert status_shown_to_ngo(referral) == seen


def test_a_failed_acceptance_leaves_the_referral_as_it_was(
    ngo_referrer: User, office_rabat: Organisation, caseworker: User
) -> None:
    """A referral registration refuses leaves nothing half-done."""
    referral, _ = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    # Submission checks what registration checks; a person made invalid afterwards stands
    # for whatever registration may refuse.
    referral.people.filter(relationship="child").update(vulnerabilities=["unaccompanied_minor"])
    before = row_counts()
    with pytest.raises(ValidationError):
        referral_accept(actor=caseworker, referral=referral)
    assert row_counts() == before
    assert fresh(referral).status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        ("sex", "X", "people", "KONATÉ Aminata : sexe inconnu."),
        ("relationship", "cousin", "people", "KONATÉ Aminata : lien inconnu."),
        ("nationality", "ZZ", "people", "KONATÉ Aminata : nationalité inconnue."),
        ("age", 130, "people", "KONATÉ Aminata : âge impossible."),
        (
            "languages",
            "x" * 201,
            "people",
            "Personne 1 — « Langues parlées » : 200 caractères au plus (le texte en compte 201).",
        ),
    ],
)
def test_each_person_is_checked_before_storing(
    ngo_referrer: User,
    office_rabat: Organisation,
    field: str,
    value: Any,
    key: str,
    message: str,
) -> None:
    data = referral_data(office_rabat)
    data.people[0] = dataclasses.replace(data.people[0], **{field: value})
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert message in validation_messages(refused.value)[key]
    assert row_counts() == before


def test_overlong_contact_phone_is_refused(ngo_referrer: User, office_rabat: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        referral_submit(
            actor=ngo_referrer, data=referral_data(office_rabat, contact_phone="0" * 33)
        )
    assert set(validation_messages(refused.value)) == {"contact_phone"}
    assert not Referral.objects.exists()


@pytest.mark.parametrize("who", ["child_in_household", "adult_alone"])
def test_a_referral_that_could_never_be_accepted_is_refused_at_submission(
    ngo_referrer: User, office_rabat: Organisation, who: str
) -> None:
    data = referral_data(office_rabat)
    if who == "child_in_household":
        data.people[1].vulnerabilities = ["unaccompanied_minor"]
    else:
        data.people = [dataclasses.replace(data.people[0], vulnerabilities=["separated_child"])]
    with pytest.raises(ValidationError):
        referral_submit(actor=ngo_referrer, data=data)
    assert not Referral.objects.exists()


def test_accept_carries_the_reason_and_the_contact_phone_to_the_case(
    referral: Referral, caseworker: User
) -> None:
    case = referral_accept(actor=caseworker, referral=referral)
    stored = Case.objects.get(pk=case.pk)
    assert stored.return_reason == "Souhaite rentrer auprès de sa famille à Abidjan."
    principal = Person.objects.get(case=case, relationship=Relationship.PRINCIPAL)
    assert principal.phone == "+212 600 00 00 00"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "family_name",
            "K" * 5000,
            "Personne 1 — « Nom » : 100 caractères au plus (le texte en compte 5000).",
        ),
        (
            "given_name",
            "A" * 101,
            "Personne 1 — « Prénom » : 100 caractères au plus (le texte en compte 101).",
        ),
    ],
)
def test_an_overlong_name_is_refused_naming_the_field_and_its_limit(
    ngo_referrer: User, office_rabat: Organisation, field: str, value: Any, message: str
) -> None:
    data = referral_data(office_rabat)
    data.people[0] = dataclasses.replace(data.people[0], **{field: value})
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert message in validation_messages(refused.value)["people"]
    assert row_counts() == before


def test_overlong_contact_phone_and_consent_taker_are_each_named(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    data = referral_data(office_rabat, contact_phone="0" * 33, consent_taken_by="F" * 201)
    with pytest.raises(ValidationError) as refused:
        referral_submit(actor=ngo_referrer, data=data)
    assert validation_messages(refused.value) == {
        "contact_phone": [
            "« Téléphone de contact » : 32 caractères au plus (le texte en compte 33)."
        ],
        "consent_taken_by": [
            "« Consentement recueilli par » : 200 caractères au plus (le texte en compte 201)."
        ],
    }
    assert not Referral.objects.exists()
