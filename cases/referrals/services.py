"""Writes on referrals from partner NGOs: submission, correction, triage, notification.

Every status change after submission tells the referring NGO by e-mail, from a Celery task
queued once the transaction has committed. (Its own submissions it knows of: a bulk upload
of 200 referrals does not send 200 e-mails.)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from avrr import rules
from avrr.models import Organisation, User
from avrr.services import audit_record
from cases import services as case_services
from cases.models import (
    ADULT_AGE,
    MAX_AGE,
    UNACCOMPANIED_CODES,
    Case,
    ReferralSource,
    Relationship,
    Sex,
    VulnerabilityCode,
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
from cases.referrals.tasks import send_referral_status_email


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with a different request."""


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


def _validate(data: ReferralData) -> None:
    """Every problem at once, in the user's language."""
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
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
    if len(data.contact_phone) > 32 or len(data.consent_taken_by) > 200:
        error(
            "contact_phone",
            _("Le téléphone ou le nom de qui a recueilli le consentement est trop long."),
        )
    if data.urgency not in Urgency.values:
        error("urgency", _("Urgence inconnue."))
    principals = [p for p in data.people if p.relationship == Relationship.PRINCIPAL]
    if len(principals) != 1:
        error("people", _("Un référencement a exactement une personne principale."))
    for index, person in enumerate(data.people, start=1):
        label = f"{person.family_name.upper()} {person.given_name}".strip() or str(index)
        if not person.family_name.strip() or not person.given_name.strip():
            error("people", _("Personne %(index)s : nom et prénom requis.") % {"index": index})
        if person.birth_date is None and person.age is None:
            error(
                "people",
                _("%(person)s : la date de naissance ou l'âge est requis.") % {"person": label},
            )
        if person.birth_date is not None and person.birth_date > today:
            error(
                "people",
                _("%(person)s : la date de naissance est dans le futur.") % {"person": label},
            )
        if person.sex not in Sex.values:
            error("people", _("%(person)s : sexe inconnu.") % {"person": label})
        if person.relationship not in Relationship.values:
            error("people", _("%(person)s : lien inconnu.") % {"person": label})
        if person.nationality not in countries:
            error("people", _("%(person)s : nationalité inconnue.") % {"person": label})
        if person.age is not None and not 0 <= person.age <= MAX_AGE:
            error("people", _("%(person)s : âge impossible.") % {"person": label})
        if any(
            len(value) > limit
            for value, limit in (
                (person.family_name, 100),
                (person.given_name, 100),
                (person.languages, 200),
            )
        ):
            error("people", _("%(person)s : un texte est trop long.") % {"person": label})
        unknown = set(person.vulnerabilities) - set(VulnerabilityCode.values)
        if unknown:
            error(
                "people",
                _("Vulnérabilité inconnue : %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            )
    _validate_household(data.people, today, error)
    for _kind, upload in data.attachments:
        try:
            case_services.upload_type_check(upload)
        except ValidationError as problem:
            error("attachments", " ".join(problem.messages))
    if errors:
        raise ValidationError(errors)


def _validate_household(
    people: list[ReferredPersonData], today: date, error: Callable[[str, str], None]
) -> None:
    """The rule case registration applies, checked now so that IOM can accept the referral:
    an unaccompanied or separated minor is referred alone, and is under 18."""
    for person in people:
        if not UNACCOMPANIED_CODES & set(person.vulnerabilities):
            continue
        if len(people) != 1:
            error(
                "people",
                _(
                    "Un mineur non accompagné ou séparé est référé seul : faites un "
                    "référencement pour chaque mineur."
                ),
            )
        age = (
            person.age
            if person.birth_date is None
            else today.year
            - person.birth_date.year
            - int((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
        )
        if age is not None and age >= ADULT_AGE:
            error(
                "people",
                _("%(person)s a %(age)s ans ou plus : ce n'est pas un mineur.")
                % {"person": f"{person.family_name.upper()} {person.given_name}", "age": ADULT_AGE},
            )


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
        file_type = case_services.upload_type_check(upload)
        attachment = ReferralAttachment(
            referral=referral,
            kind=kind,
            original_name=(upload.name or "")[:200],
            content_type=file_type.mime,
            size=upload.size or 0,
        )
        attachment.file.save(f"upload.{file_type.extension}", upload, save=False)
        attachment.save()


def _notify_on_commit(referral: Referral) -> None:
    transaction.on_commit(partial(send_referral_status_email.delay, referral.pk, referral.status))


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
    number = case_services.sequence_next(organisation=organisation, year=year)
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
    _notify_on_commit(referral)
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


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Case:
    """Open a case from the referral: its people, vulnerabilities and files carried over.

    Registration runs the duplicate check, so people already known are shown to the
    caseworker to link rather than registered as strangers.
    """
    referral = _locked_for_triage(actor, referral, *access.DECIDABLE_STATUSES)
    people = [
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
    case = case_services.case_register(
        actor=actor,
        people=people,
        referral_source=ReferralSource.NGO,
        referring_organisation=referral.organisation,
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


def referral_view_record(*, actor: User, referral: Referral) -> None:
    """IOM staff opening a referral (the people's data) is traced."""
    audit_record(actor=actor, action="referral.view", target=referral)


def referral_attachment_view_record(*, actor: User, attachment: ReferralAttachment) -> None:
    audit_record(actor=actor, action="referral_attachment.view", target=attachment)
