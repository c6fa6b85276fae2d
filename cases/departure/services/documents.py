"""What a person travels on: a passport recorded, or a consular laissez-passer (LPC) asked of
their country's embassy, whose answer is recorded step by step (interview, issued, refused,
expired). Each step is refused, with the reason, when it cannot happen now, and leaves an
event in the case's timeline. Only the staff of the case's office write them.

The request letter to an embassy is generated here too, so that its audit event and what it
may show (never asylum or protection details, vulnerabilities or notes) live in one place.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avrr.models import User
from avrr.services import audit_record
from avrr.texts import text_problems
from cases.departure import access
from cases.departure.models import (
    Embassy,
    LpcRequest,
    LpcStatus,
    TravelDocument,
    TravelDocumentKind,
)
from cases.models import PRE_DEPARTURE_STATUSES, Case, Person

# An LPC request the embassy has not answered yet.
OPEN_LPC_STATUSES = frozenset({LpcStatus.REQUESTED, LpcStatus.INTERVIEW})


def _locked_case(person: Person) -> Case:
    """The person's case, locked until the transaction ends, so that two writes about the
    same people (two LPC requests at once) are checked one after the other."""
    return Case.objects.select_for_update().get(pk=person.case_id)


def _require_change(actor: User, case: Case) -> None:
    if not access.can_change_departure(actor, case):
        raise PermissionDenied


def _require_before_departure(case: Case) -> None:
    if case.status not in PRE_DEPARTURE_STATUSES:
        raise ValidationError(
            _("Ce dossier est « %(status)s » : ses documents de voyage ne changent plus.")
            % {"status": case.get_status_display()}
        )


def _not_in_future(day: date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(message)


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _audit(actor: User, action: str, target: TravelDocument | LpcRequest, **changes: str) -> None:
    audit_record(
        actor=actor, action=action, target=target, scope=target.person.case, changes=changes
    )


def _check_number(document: TravelDocument) -> None:
    refused = text_problems(TravelDocument, {"number": document.number})
    if refused:
        raise ValidationError(refused)
    if not document.number:
        raise ValidationError({"number": _("Indiquez le numéro du document.")})
    duplicate = TravelDocument.objects.filter(
        kind=document.kind, issuing_country=document.issuing_country, number=document.number
    ).exists()
    if duplicate:
        raise ValidationError(
            {"number": _("Un document de ce type, de ce pays et de ce numéro est déjà enregistré.")}
        )


# Passports ----------------------------------------------------------------------------


@transaction.atomic
def passport_record(
    *,
    actor: User,
    person: Person,
    number: str,
    issuing_country: str,
    expires_on: date,
    issued_on: date | None = None,
    copy_held: bool = False,
) -> TravelDocument:
    """The person's passport. One already expired is recorded too (it is a fact), and does
    not count as valid (`workflow.valid_travel_document`)."""
    case = _locked_case(person)
    _require_change(actor, case)
    _require_before_departure(case)
    _not_in_future(issued_on, _("La date de délivrance est dans le futur."))
    if issued_on is not None and expires_on <= issued_on:
        raise ValidationError(_("Le passeport doit expirer après sa date de délivrance."))
    document = TravelDocument(
        person=person,
        kind=TravelDocumentKind.PASSPORT,
        number=number.strip().upper(),
        issuing_country=issuing_country,
        issued_on=issued_on,
        expires_on=expires_on,
        copy_held=copy_held,
        recorded_by=actor,
    )
    _check_number(document)
    document.save()
    _audit(
        actor,
        "travel_document.record",
        document,
        person=str(person),
        kind=document.kind,
        expires_on=expires_on.isoformat(),
    )
    return document


# Laissez-passer requests --------------------------------------------------------------


@transaction.atomic
def lpc_request(*, actor: User, person: Person, embassy: Embassy, requested_on: date) -> LpcRequest:
    """A laissez-passer asked of the embassy of the person's country; one at a time."""
    case = _locked_case(person)
    _require_change(actor, case)
    _require_before_departure(case)
    _not_in_future(requested_on, _("La date de la demande est dans le futur."))
    if not embassy.is_active:
        raise ValidationError(_("Cette représentation n'est plus active."))
    if embassy.country != person.nationality:
        raise ValidationError(
            _(
                "%(embassy)s ne délivre pas de laissez-passer à une personne de nationalité "
                "%(nationality)s."
            )
            % {"embassy": embassy, "nationality": person.nationality.name}
        )
    if person.lpc_requests.filter(status__in=OPEN_LPC_STATUSES).exists():
        raise ValidationError(
            _("Une demande de laissez-passer de %(name)s attend déjà la réponse de l'ambassade.")
            % {"name": person}
        )
    request = LpcRequest.objects.create(
        person=person,
        embassy=embassy,
        requested_on=requested_on,
        status_changed_on=requested_on,
        requested_by=actor,
    )
    _audit(
        actor,
        "lpc.request",
        request,
        person=str(person),
        embassy=str(embassy),
        requested_on=requested_on.isoformat(),
    )
    return request


def _locked_request(actor: User, request: LpcRequest, allowed: frozenset[str]) -> LpcRequest:
    """The request as it is now, locked, if the actor may answer for it and its status
    allows the step; refused with its status otherwise."""
    locked = (
        # Only the request's row: PostgreSQL locks no nullable side of a join (its document).
        LpcRequest.objects.select_for_update(of=("self",))
        .select_related("person__case", "embassy", "document")
        .get(pk=request.pk)
    )
    _require_change(actor, locked.person.case)
    if locked.status not in allowed:
        raise ValidationError(
            _("Cette demande de laissez-passer est « %(status)s » : ce n'est plus possible.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _set_status(request: LpcRequest, status: LpcStatus, *fields: str) -> None:
    request.status = status
    request.status_changed_on = timezone.localdate()
    request.save(update_fields=["status", "status_changed_on", *fields])


@transaction.atomic
def lpc_schedule_interview(*, actor: User, request: LpcRequest, interview_on: date) -> LpcRequest:
    """The embassy's identification interview, on a date to come or already passed; it can
    be moved while the embassy has not answered."""
    request = _locked_request(actor, request, OPEN_LPC_STATUSES)
    if interview_on < request.requested_on:
        raise ValidationError(_("L'entretien ne peut pas précéder la demande."))
    request.interview_on = interview_on
    _set_status(request, LpcStatus.INTERVIEW, "interview_on")
    _audit(actor, "lpc.interview", request, person=str(request.person), on=interview_on.isoformat())
    return request


@transaction.atomic
def lpc_issue(
    *, actor: User, request: LpcRequest, number: str, issued_on: date, expires_on: date
) -> LpcRequest:
    """The embassy issued the laissez-passer: it becomes the person's travel document (kind
    LPC, single journey, from the embassy's country)."""
    request = _locked_request(actor, request, OPEN_LPC_STATUSES)
    _not_in_future(issued_on, _("La date de délivrance est dans le futur."))
    if issued_on < request.requested_on:
        raise ValidationError(_("Le laissez-passer ne peut pas être délivré avant la demande."))
    if expires_on <= issued_on:
        raise ValidationError(_("Le laissez-passer doit expirer après sa date de délivrance."))
    document = TravelDocument(
        person=request.person,
        kind=TravelDocumentKind.LPC,
        number=number.strip().upper(),
        issuing_country=request.embassy.country,
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    _check_number(document)
    document.save()
    request.document = document
    _set_status(request, LpcStatus.ISSUED, "document")
    _audit(
        actor,
        "lpc.issue",
        request,
        person=str(request.person),
        number=document.number,
        expires_on=expires_on.isoformat(),
    )
    return request


@transaction.atomic
def lpc_refuse(*, actor: User, request: LpcRequest, reason: str) -> LpcRequest:
    request = _locked_request(actor, request, OPEN_LPC_STATUSES)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus donné par l'ambassade.")})
    request.refusal_reason = reason
    _set_status(request, LpcStatus.REFUSED, "refusal_reason")
    _audit(actor, "lpc.refuse", request, person=str(request.person), reason=reason)
    return request


@transaction.atomic
def lpc_expire(*, actor: User, request: LpcRequest) -> LpcRequest:
    """An issued laissez-passer whose validity has passed, unused: a new one must be asked."""
    request = _locked_request(actor, request, frozenset({LpcStatus.ISSUED}))
    document = request.document
    if document is not None and document.expires_on >= timezone.localdate():
        raise ValidationError(
            _("Ce laissez-passer est valable jusqu'au %(date)s : il n'a pas encore expiré.")
            % {"date": _short(document.expires_on)}
        )
    _set_status(request, LpcStatus.EXPIRED)
    _audit(actor, "lpc.expire", request, person=str(request.person))
    return request


# The request letter -------------------------------------------------------------------


@dataclass(frozen=True)
class LetterPerson:
    """What the letter says of a person: who they are and their known document numbers;
    nothing of their asylum or protection situation, vulnerabilities or notes."""

    name: str
    sex: str
    birth_date: date | None
    birth_year_only: bool
    nationality: str
    document_numbers: list[str]
    case_number: str


def _letter_people(embassy: Embassy, cases: list[Case]) -> list[LetterPerson]:
    """The people of `cases` of the embassy's nationality: the embassy is told of nobody
    else (a household can hold several nationalities)."""
    people = (
        Person.objects.filter(case__in=cases, nationality=embassy.country)
        .select_related("case")
        .prefetch_related("travel_documents")
        .order_by("case__number", "pk")
    )
    shown = []
    for person in people:
        # The travel documents recorded, and the number declared at registration; not the
        # identity document's, which can be a refugee or asylum-seeker card.
        numbers = [document.number for document in person.travel_documents.all()]
        if person.travel_document_number and person.travel_document_number not in numbers:
            numbers.append(person.travel_document_number)
        shown.append(
            LetterPerson(
                name=str(person),
                sex=person.get_sex_display(),
                birth_date=person.birth_date,
                birth_year_only=person.birth_date_precision != "exact",
                nationality=str(person.nationality.name),
                document_numbers=numbers,
                case_number=person.case.number,
            )
        )
    return shown


def lpc_letter_pdf(*, actor: User, embassy: Embassy, cases: list[Case]) -> bytes:
    """The letter asking `embassy` to identify the people of `cases` and issue their
    laissez-passer, in the embassy's letter language, signed by the actor's office; audited
    in each case's timeline."""
    if not cases:
        raise ValidationError(_("Choisissez au moins un dossier."))
    for case in cases:
        _require_change(actor, case)
    office = cases[0].office
    with translation.override(embassy.letter_language):
        html = render_to_string(
            "departure/documents/letter.html",
            {
                "embassy": embassy,
                "office": office,
                "signatory": actor.get_full_name() or actor.get_username(),
                "today": timezone.localdate(),
                "people": _letter_people(embassy, cases),
                "language": embassy.letter_language,
            },
        )
        # Imported here: WeasyPrint takes long to load, and only letters need it.
        from weasyprint import HTML

        pdf: bytes = HTML(string=html).write_pdf()
    with transaction.atomic():
        for case in cases:
            audit_record(
                actor=actor,
                action="lpc.letter",
                target=embassy,
                scope=case,
                changes={"embassy": str(embassy), "language": embassy.letter_language},
            )
    return pdf
