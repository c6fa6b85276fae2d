"""Writes on referrals from partner NGOs: submission, correction, triage, notification.

Every status change after submission tells the referring NGO by e-mail, through the outbox:
the e-mail is saved with the change and sent by a worker once it has committed. (Its own
submissions it knows of: a bulk upload of 200 referrals does not send 200 e-mails.)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from avrr import rules
from avrr.errors import IdempotencyConflict
from avrr.models import Organisation, User
from avrr.outbox import outbox_enqueue
from avrr.sequences import sequence_next
from avrr.services import audit_record
from avrr.texts import text_problems
from avrr.uploads import upload_check
from cases import services as case_services
from cases.households import unaccompanied_minor_problems
from cases.models import (
    MAX_AGE,
    Case,
    CaseStatus,
    ReferralSource,
    Relationship,
    Sex,
    VulnerabilityCode,
    age_on,
)
from cases.referrals import access
from cases.referrals.models import (
    IdempotencyRecord,
    Referral,
    ReferralAttachment,
    ReferralStatus,
    ReferredPerson,
    Urgency,
)
from cases.referrals.notifications import STATUS_EMAIL

# The series of referral references in `avrr.Sequence`.
REFERRAL_REFERENCES = "referral"


@dataclass
class ReferredPersonData:
    family_name: str
    given_name: str
    sex: str
    nationality: str
    relationship: str = Relationship.PRINCIPAL
    birth_date: date | None = None
    age: int | None = None
    languages: str = ""
    vulnerabilities: list[str] = field(default_factory=list)


@dataclass
class ReferralData:
    office: Organisation
    people: list[ReferredPersonData]
    reason: str
    consent_given_on: date | None
    consent_taken_by: str
    urgency: int = Urgency.NORMAL
    contact_phone: str = ""
    attachments: list[tuple[str, UploadedFile[bytes]]] = field(default_factory=list)


ErrorSink = Callable[[str, str], None]


def _validate(data: ReferralData) -> None:
    """Every problem at once, in the user's language."""
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
    _validate_referral(data, today, error)
    for index, person in enumerate(data.people, start=1):
        for problem in _person_problems(index, person, today):
            error("people", problem)
    _validate_household(data.people, today, error)
    for _kind, upload in data.attachments:
        try:
            upload_check(upload)
        except ValidationError as problem:
            error("attachments", " ".join(problem.messages))
    if errors:
        raise ValidationError(errors)


def _validate_referral(data: ReferralData, today: date, error: ErrorSink) -> None:
    if data.consent_given_on is None or not data.consent_taken_by.strip():
        error(
            "consent",
            _(
                "Le consentement de la personne au partage de ses données avec l'OIM est "
                "obligatoire : indiquez sa date et qui l'a recueilli."
            ),
        )
    elif data.consent_given_on > today:
        error("consent_given_on", _("La date du consentement est dans le futur."))
    if data.office.kind != Organisation.Kind.IOM_OFFICE or not data.office.is_active:
        error("office", _("Choisissez un bureau de l'OIM."))
    if not data.reason.strip():
        error("reason", _("Indiquez le motif du référencement."))
    texts = {
        "contact_phone": data.contact_phone.strip(),
        "consent_taken_by": data.consent_taken_by.strip(),
    }
    for name, message in text_problems(Referral, texts).items():
        error(name, message)
    if data.urgency not in Urgency.values:
        error("urgency", _("Urgence inconnue."))
    principals = [p for p in data.people if p.relationship == Relationship.PRINCIPAL]
    if len(principals) != 1:
        error("people", _("Un référencement a exactement une personne principale."))


def _person_problems(index: int, person: ReferredPersonData, today: date) -> list[str]:
    label = f"{person.family_name.upper()} {person.given_name}".strip() or str(index)
    checks = [
        (
            person.birth_date is None and person.age is None,
            _("%(person)s : la date de naissance ou l'âge est requis."),
        ),
        (
            person.birth_date is not None and person.birth_date > today,
            _("%(person)s : la date de naissance est dans le futur."),
        ),
        (person.sex not in Sex.values, _("%(person)s : sexe inconnu.")),
        (person.relationship not in Relationship.values, _("%(person)s : lien inconnu.")),
        (person.nationality not in countries, _("%(person)s : nationalité inconnue.")),
        (
            person.age is not None and not 0 <= person.age <= MAX_AGE,
            _("%(person)s : âge impossible."),
        ),
    ]
    texts = {
        "family_name": person.family_name.strip(),
        "given_name": person.given_name.strip(),
        "languages": person.languages.strip(),
    }
    problems = [
        _("Personne %(index)s — %(problem)s") % {"index": index, "problem": problem}
        for problem in text_problems(ReferredPerson, texts).values()
    ]
    if not person.family_name.strip() or not person.given_name.strip():
        problems.append(_("Personne %(index)s : nom et prénom requis.") % {"index": index})
    problems += [message % {"person": label} for failed, message in checks if failed]
    unknown = set(person.vulnerabilities) - set(VulnerabilityCode.values)
    if unknown:
        problems.append(
            _("Vulnérabilité inconnue : %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    return problems


def _validate_household(people: list[ReferredPersonData], today: date, error: ErrorSink) -> None:
    """The household rules of case registration, checked now so that IOM can accept it."""
    for person in people:
        age = person.age if person.birth_date is None else age_on(person.birth_date, today)
        for problem in unaccompanied_minor_problems(
            name=f"{person.family_name.upper()} {person.given_name}",
            codes=person.vulnerabilities,
            age=age,
            household_size=len(people),
            alone=_(
                "Un mineur non accompagné ou séparé est référé seul : faites un "
                "référencement pour chaque mineur."
            ),
        ):
            error("people", problem)


def _organisation_of(actor: User) -> Organisation:
    organisation = rules.referring_organisation(actor)
    if organisation is None:
        raise PermissionDenied
    return organisation


def _store_people_and_files(referral: Referral, data: ReferralData) -> None:
    ReferredPerson.objects.bulk_create(
        ReferredPerson(
            referral=referral,
            relationship=person.relationship,
            family_name=person.family_name.strip(),
            given_name=person.given_name.strip(),
            sex=person.sex,
            birth_date=person.birth_date,
            age=person.age,
            nationality=person.nationality,
            languages=person.languages.strip(),
            vulnerabilities=sorted(set(person.vulnerabilities)),
        )
        for person in data.people
    )
    for kind, upload in data.attachments:
        checked = upload_check(upload)
        attachment = ReferralAttachment(
            referral=referral,
            kind=kind,
            original_name=checked.original_name,
            content_type=checked.mime,
            size=checked.size,
        )
        attachment.file.save(checked.stored_name, upload, save=False)
        attachment.save()


def _notify(referral: Referral) -> None:
    outbox_enqueue(
        handler=STATUS_EMAIL,
        arguments={"referral_id": referral.pk, "status": str(referral.status)},
    )


@transaction.atomic
def referral_submit(
    *,
    actor: User,
    data: ReferralData,
    idempotency_key: str = "",
    request_hash: str = "",
) -> tuple[Referral, bool]:
    """Submit a referral; returns it and whether it was created now.

    With an idempotency key, a retried submission returns the referral the first one
    created; the same key with a different request is refused.
    """
    organisation = _organisation_of(actor)
    record = None
    if idempotency_key:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    organisation=organisation, key=idempotency_key, request_hash=request_hash
                )
        except IntegrityError:
            # Another request with this key got there first; it has committed by now.
            earlier = IdempotencyRecord.objects.select_related("referral").get(
                organisation=organisation, key=idempotency_key
            )
            if earlier.request_hash != request_hash or earlier.referral is None:
                raise IdempotencyConflict from None
            return earlier.referral, False
    _validate(data)
    year = timezone.localdate().year
    number = sequence_next(organisation=organisation, name=REFERRAL_REFERENCES, year=year)
    referral = Referral.objects.create(
        reference=f"REF-{organisation.code}-{year}-{number:05d}",
        organisation=organisation,
        office=data.office,
        submitted_by=actor,
        urgency=data.urgency,
        reason=data.reason.strip(),
        contact_phone=data.contact_phone.strip(),
        consent_given_on=cast(date, data.consent_given_on),  # checked by _validate
        consent_taken_by=data.consent_taken_by.strip(),
    )
    _store_people_and_files(referral, data)
    if record is not None:
        record.referral = referral
        record.save(update_fields=["referral"])
    audit_record(
        actor=actor,
        action="referral.submit",
        target=referral,
        changes={"people": len(data.people), "consent_given_on": str(data.consent_given_on)},
    )
    return referral, True


@transaction.atomic
def referral_correct(*, actor: User, referral: Referral, data: ReferralData) -> Referral:
    """Replace what the NGO submitted, while IOM has not started looking at it."""
    referral = _locked_own_referral(actor, referral)
    if not access.can_correct_referral(actor, referral):
        raise ValidationError(_("Ce référencement n'est plus modifiable : l'OIM l'examine déjà."))
    _validate(data)
    referral.office = data.office
    referral.urgency = data.urgency
    referral.reason = data.reason.strip()
    referral.contact_phone = data.contact_phone.strip()
    referral.consent_given_on = cast(date, data.consent_given_on)  # checked by _validate
    referral.consent_taken_by = data.consent_taken_by.strip()
    referral.version += 1
    referral.save(
        update_fields=[
            "office",
            "urgency",
            "reason",
            "contact_phone",
            "consent_given_on",
            "consent_taken_by",
            "version",
        ]
    )
    referral.people.all().delete()
    _store_people_and_files(referral, data)
    audit_record(actor=actor, action="referral.correct", target=referral)
    return referral


def _locked_own_referral(actor: User, referral: Referral) -> Referral:
    if referral.organisation_id != _organisation_of(actor).pk:
        raise PermissionDenied
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _set_status(
    *, actor: User, referral: Referral, status: ReferralStatus, **fields: Any
) -> Referral:
    previous = referral.status
    referral.status = status
    referral.status_changed_at = timezone.now()
    referral.reviewed_by = actor if rules.works_for_iom_office(actor) else referral.reviewed_by
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.version += 1
    referral.save(update_fields=["status", "status_changed_at", "reviewed_by", "version", *fields])
    audit_record(
        actor=actor,
        action="referral.status",
        target=referral,
        scope=referral.case,
        changes={"status": [previous, status.value]},
    )
    _notify(referral)
    return referral


def _locked_for_triage(actor: User, referral: Referral, *allowed: ReferralStatus) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not access.can_triage_referral(actor, referral):
        raise PermissionDenied
    if referral.status not in allowed:
        raise ValidationError(
            _("Ce référencement est « %(status)s » : cette action n'est plus possible.")
            % {"status": referral.get_status_display()}
        )
    return referral


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not access.can_correct_referral(actor, referral):
        raise ValidationError(
            _("Ce référencement ne peut plus être retiré : l'OIM l'examine déjà.")
        )
    return _set_status(actor=actor, referral=referral, status=ReferralStatus.WITHDRAWN)


@transaction.atomic
def referral_review_start(*, actor: User, referral: Referral) -> Referral:
    referral = _locked_for_triage(actor, referral, ReferralStatus.SUBMITTED)
    return _set_status(actor=actor, referral=referral, status=ReferralStatus.UNDER_REVIEW)


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Decline with a reason the NGO will read."""
    referral = _locked_for_triage(actor, referral, *access.DECIDABLE_STATUSES)
    if not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus : l'ONG le lira."))
    return _set_status(
        actor=actor,
        referral=referral,
        status=ReferralStatus.DECLINED,
        decline_reason=reason.strip(),
    )


def referral_people_data(referral: Referral) -> list[case_services.PersonData]:
    """The referral's people as a case registers them: the contact phone is the principal's."""
    return [
        case_services.PersonData(
            family_name=person.family_name,
            given_name=person.given_name,
            sex=person.sex,
            nationality=str(person.nationality),
            relationship=person.relationship,
            birth_date=person.birth_date,
            age=person.age,
            languages=person.languages,
            phone=referral.contact_phone if person.relationship == Relationship.PRINCIPAL else "",
            vulnerabilities=list(person.vulnerabilities),
        )
        for person in referral.people.all()
    ]


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Case:
    """Open a case from the referral: its people, vulnerabilities and files carried over,
    its reason as the case's reason for returning, and its contact phone as the principal
    person's phone (both shown on the case page).

    Registration runs the duplicate check, so people already known are shown to the
    caseworker to link rather than registered as strangers.
    """
    referral = _locked_for_triage(actor, referral, *access.DECIDABLE_STATUSES)
    people = referral_people_data(referral)
    case = case_services.case_register(
        actor=actor,
        people=people,
        referral_source=ReferralSource.NGO,
        referring_organisation=referral.organisation,
        return_reason=referral.reason,
        priority=referral.urgency,
    )
    for attachment in referral.attachments.all():
        with attachment.file.open("rb") as content:
            case_services.attachment_add(
                actor=actor,
                case=case,
                kind=attachment.kind,
                upload=File(content, name=attachment.original_name),
            )
    referral.case = case
    _set_status(actor=actor, referral=referral, status=ReferralStatus.ACCEPTED, case=case)
    return case


def referral_case_departed(case: Case, previous: CaseStatus, actor: User) -> None:
    """A case status listener: when the case opened from a referral departs, the referring
    NGO is told by e-mail, as of its referral's other status changes (it is then shown
    `departed`, `selectors.referrals_with_status_shown`)."""
    if case.status != CaseStatus.DEPARTED or previous == CaseStatus.DEPARTED:
        return
    referral = Referral.objects.filter(case=case, status=ReferralStatus.ACCEPTED).first()
    if referral is not None:
        outbox_enqueue(
            handler=STATUS_EMAIL,
            arguments={"referral_id": referral.pk, "status": ReferralStatus.DEPARTED.value},
        )


def referral_view_record(*, actor: User, referral: Referral) -> None:
    """IOM staff opening a referral (the people's data) is traced."""
    audit_record(actor=actor, action="referral.view", target=referral)


def referral_attachment_view_record(*, actor: User, attachment: ReferralAttachment) -> None:
    audit_record(actor=actor, action="referral_attachment.view", target=attachment)


@transaction.atomic
def referral_submit_many(*, actor: User, referrals: list[ReferralData]) -> list[Referral]:
    """Submit several referrals (a bulk upload's), all or none.

    If any referral is refused, none is kept and its ValidationError is raised again.
    """
    submitted = []
    for data in referrals:
        referral, _created = referral_submit(actor=actor, data=data)
        submitted.append(referral)
    return submitted
