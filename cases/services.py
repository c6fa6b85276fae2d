"""Every write on cases, people and their pre-departure records.

Each function checks the caller's right through `cases.access`, validates, writes in one
transaction and leaves an audit event in the case's timeline.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from avrr import money, rules
from avrr.models import Organisation, User
from avrr.sequences import sequence_next
from avrr.services import audit_record
from avrr.texts import text_problems
from avrr.uploads import Upload, upload_check
from avrr.versioning import update_versioned
from cases import access, selectors
from cases.households import unaccompanied_minor_problems
from cases.models import (
    PRE_DEPARTURE_STATUSES,
    RETURNED_STATUSES,
    Assistance,
    Attachment,
    BirthDatePrecision,
    Case,
    CaseStatus,
    CounsellingSession,
    Distribution,
    DuplicateLinkRequest,
    DuplicateReview,
    JusticeDecision,
    LinkRequestStatus,
    Person,
    Priority,
    ReferralSource,
    Relationship,
    ReturnDeclaration,
    SensitiveNote,
    Vulnerability,
    VulnerabilityCode,
)
from cases.names import name_key
from cases.workflow import missing_for, stage_date_field, status_changed


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _office_of(actor: User) -> Organisation:
    """The IOM office the actor registers cases for; refused to anyone else."""
    office = rules.works_for_iom_office(actor)
    if office is None:
        raise PermissionDenied
    return office


def _audit(actor: User, action: str, target: Model, case: Case, **changes: Any) -> None:
    audit_record(actor=actor, action=action, target=target, scope=case, changes=changes)


# Input checks the pages and the API share ---------------------------------------------


def referring_organisation_problem(source: str, organisation: Organisation | None) -> str:
    """What is wrong with a case's referring organisation given how the person came ("" when
    nothing): a partner NGO's referral names the NGO; an authority's, if named, is a
    government body; the other ways of coming have no referring organisation."""
    if source == ReferralSource.NGO:
        if organisation is None:
            return _("La personne est venue par une ONG partenaire : indiquez laquelle.")
        if organisation.kind != Organisation.Kind.NGO:
            return _("« %(organisation)s » n'est pas une ONG partenaire.") % {
                "organisation": organisation
            }
    elif source == ReferralSource.AUTHORITY:
        if organisation is not None and organisation.kind != Organisation.Kind.GOVERNMENT:
            return _("« %(organisation)s » n'est pas un ministère ou un service public.") % {
                "organisation": organisation
            }
    elif organisation is not None:
        return _(
            "Une organisation référente ne s'indique que pour une personne venue par une ONG "
            "partenaire ou une autorité."
        )
    return ""


# Case numbers -------------------------------------------------------------------------


# The series of case numbers in `avrr.Sequence`.
CASE_NUMBERS = "case"


def case_number_allocate(*, office: Organisation, year: int) -> str:
    """The next case number of the office and year, e.g. MA-RBA-2026-000123."""
    value = sequence_next(organisation=office, name=CASE_NUMBERS, year=year)
    return f"{office.country}-{office.code}-{year}-{value:06d}"


# People -------------------------------------------------------------------------------


@dataclass
class PersonData:
    family_name: str
    given_name: str
    sex: str
    nationality: str
    relationship: str = Relationship.PRINCIPAL
    birth_date: date | None = None
    birth_year: int | None = None
    age: int | None = None
    country_of_return: str = ""
    family_name_ar: str = ""
    given_name_ar: str = ""
    phone: str = ""
    languages: str = ""
    marital_status: str = ""
    education_level: str = ""
    occupation: str = ""
    id_document_number: str = ""
    travel_document_number: str = ""
    vulnerabilities: list[str] = field(default_factory=list)


def _birth(data: PersonData, registered_on: date) -> tuple[date | None, str]:
    """Exact date; else 1 July of the birth year; else, from the age at registration, the
    middle of the year of birth dates that give that age (so the age is kept)."""
    if data.birth_date is not None:
        return data.birth_date, BirthDatePrecision.EXACT
    if data.birth_year is not None:
        return date(data.birth_year, 7, 1), BirthDatePrecision.YEAR
    if data.age is not None:
        latest_birth = registered_on - relativedelta(years=data.age)
        return latest_birth - timedelta(days=182), BirthDatePrecision.YEAR
    return None, BirthDatePrecision.EXACT


def _document_number(raw: str) -> str:
    return "".join(raw.split()).upper()


def _build_person(case: Case, data: PersonData) -> Person:
    birth_date, precision = _birth(data, case.registered_on)
    person = Person(
        case=case,
        relationship=data.relationship,
        family_name=data.family_name.strip(),
        given_name=data.given_name.strip(),
        family_name_ar=data.family_name_ar.strip(),
        given_name_ar=data.given_name_ar.strip(),
        sex=data.sex,
        birth_date=birth_date,
        birth_date_precision=precision,
        nationality=data.nationality,
        country_of_return=data.country_of_return or data.nationality,
        phone=data.phone.strip(),
        languages=data.languages.strip(),
        marital_status=data.marital_status,
        education_level=data.education_level,
        occupation=data.occupation.strip(),
        id_document_number=_document_number(data.id_document_number),
        travel_document_number=_document_number(data.travel_document_number),
    )
    person.name_key = name_key(person.family_name, person.given_name)
    return person


def _validate_household(case: Case, people: list[tuple[Person, list[str]]]) -> None:
    errors: list[str] = []
    principals = [person for person, _codes in people if person.is_principal]
    if len(principals) != 1:
        errors.append(_("Un dossier a exactement un·e demandeur·se principal·e."))
    for index, (person, codes) in enumerate(people, start=1):
        errors += _person_problems(case, index, person, codes, household_size=len(people))
    if errors:
        raise ValidationError(errors)


def _person_problems(
    case: Case, index: int, person: Person, codes: list[str], *, household_size: int
) -> list[str]:
    refused = text_problems(Person, model_to_dict(person))
    if refused:
        # Said first and alone: the other messages name the person, by these very texts.
        return [
            _("Personne %(index)s — %(problem)s") % {"index": index, "problem": problem}
            for problem in refused.values()
        ]
    problems = []
    unknown = set(codes) - set(VulnerabilityCode.values)
    if unknown:
        problems.append(_("Vulnérabilité inconnue : %(codes)s.") % {"codes": ", ".join(unknown)})
    if person.birth_date is None:
        problems.append(
            _("%(person)s : la date ou l'année de naissance, ou l'âge, est requis.")
            % {"person": person}
        )
    elif person.birth_date > case.registered_on:
        problems.append(
            _("%(person)s : la date de naissance est dans le futur.") % {"person": person}
        )
    problems += unaccompanied_minor_problems(
        name=str(person),
        codes=codes,
        age=person.age_on(case.registered_on),
        household_size=household_size,
        alone=_(
            "Un mineur non accompagné ou séparé forme un dossier à lui seul : "
            "ouvrez un dossier distinct pour chaque mineur."
        ),
    )
    return problems


def _review_duplicates(person: Person) -> None:
    """Flag the person for review when someone known resembles them (and none is linked)."""
    if person.duplicate_review == DuplicateReview.LINKED:
        return
    review = (
        DuplicateReview.PENDING
        if selectors.duplicate_candidates(person).exists()
        else DuplicateReview.NONE
    )
    if review == DuplicateReview.NONE and person.duplicate_review == DuplicateReview.DISMISSED:
        return
    if person.duplicate_review != review:
        person.duplicate_review = review
        person.save(update_fields=["duplicate_review"])


def _store_people(
    *, actor: User, case: Case, people: list[tuple[Person, list[str]]]
) -> list[Person]:
    for person, codes in people:
        person.full_clean(exclude=["case", "name_key"], validate_constraints=False)
        person.save()
        Vulnerability.objects.bulk_create(
            Vulnerability(person=person, case=case, code=code) for code in sorted(set(codes))
        )
        _review_duplicates(person)
        _audit(actor, "person.create", person, case, vulnerabilities=sorted(set(codes)))
    return [person for person, _codes in people]


@transaction.atomic
def case_register(
    *,
    actor: User,
    people: list[PersonData],
    registered_on: date | None = None,
    referral_source: str = ReferralSource.WALK_IN,
    referring_organisation: Organisation | None = None,
    return_reason: str = "",
    priority: int = Priority.NORMAL,
    assigned_to: User | None = None,
) -> Case:
    """Open a case for a principal applicant and the family members returning with them."""
    office = _office_of(actor)
    assigned_to = assigned_to or actor
    if not access.assignable_caseworkers_of(office).filter(pk=assigned_to.pk).exists():
        raise ValidationError(_("Cette personne ne travaille pas dans le bureau du dossier."))
    case = Case(
        office=office,
        assigned_to=assigned_to,
        referral_source=referral_source,
        referring_organisation=referring_organisation,
        return_reason=return_reason.strip(),
        priority=priority,
        registered_on=registered_on or timezone.localdate(),
    )
    if case.registered_on > timezone.localdate():
        raise ValidationError(_("La date d'enregistrement est dans le futur."))
    problem = referring_organisation_problem(referral_source, referring_organisation)
    if problem:
        raise ValidationError({"referring_organisation": [problem]})
    built = [(_build_person(case, data), data.vulnerabilities) for data in people]
    _validate_household(case, built)
    case.number = case_number_allocate(office=office, year=case.registered_on.year)
    case.full_clean(exclude=["number"])
    case.save()
    for person, _codes in built:
        person.case = case
    _audit(actor, "case.create", case, case, number=case.number, office=office.code)
    _store_people(actor=actor, case=case, people=built)
    return case


@transaction.atomic
def person_add(*, actor: User, case: Case, data: PersonData) -> Person:
    case = _locked_case(case.pk)
    _require(access.can_change_case(actor, case))
    _require_pre_departure(case)
    person = _build_person(case, data)
    existing = [
        (existing, [v.code for v in existing.vulnerabilities.all()])
        for existing in case.people.all()
    ]
    _validate_household(case, [*existing, (person, data.vulnerabilities)])
    (stored,) = _store_people(actor=actor, case=case, people=[(person, data.vulnerabilities)])
    return stored


# Changing these may make the person resemble someone already known.
DUPLICATE_FIELDS = frozenset(
    {
        "family_name",
        "given_name",
        "nationality",
        "birth_date",
        "id_document_number",
        "travel_document_number",
    }
)

# In the order the forms show them.
PERSON_EDITABLE_FIELDS = (
    "family_name",
    "given_name",
    "family_name_ar",
    "given_name_ar",
    "sex",
    "birth_date",
    "birth_date_precision",
    "nationality",
    "country_of_return",
    "phone",
    "languages",
    "marital_status",
    "education_level",
    "occupation",
    "id_document_number",
    "travel_document_number",
)


@transaction.atomic
def person_update(
    *, actor: User, person: Person, expected_version: int, changes: dict[str, Any]
) -> Person:
    case = _locked_case(person.case_id)
    _require(access.can_change_case(actor, case))
    _require_pre_departure(case)
    unknown = set(changes).difference(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Champs non modifiables : %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for number_field in ("id_document_number", "travel_document_number"):
        if number_field in changes:
            changes[number_field] = _document_number(changes[number_field] or "")
    if {"family_name", "given_name"} & set(changes):
        changes["name_key"] = name_key(
            changes.get("family_name", person.family_name),
            changes.get("given_name", person.given_name),
        )
    # The edited person must still make a valid household, as at registration.
    edited = Person(**{**model_to_dict(person, exclude=["id", "case", "linked_person"]), **changes})
    edited.case = case
    household = [
        (
            edited if member.pk == person.pk else member,
            [v.code for v in member.vulnerabilities.all()],
        )
        for member in case.people.prefetch_related("vulnerabilities")
    ]
    _validate_household(case, household)
    diff = update_versioned(instance=person, expected_version=expected_version, changes=changes)
    diff.pop("name_key", None)
    if DUPLICATE_FIELDS & set(diff):
        _review_duplicates(person)
    _audit(actor, "person.update", person, case, **diff)
    return person


CASE_EDITABLE_FIELDS = (
    "priority",
    "referral_source",
    "referring_organisation",
    "return_reason",
    "justice_decision",
    "justice_decision_on",
    "justice_reference",
)


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, changes: dict[str, Any]) -> Case:
    _require(access.can_change_case(actor, case))
    _require_pre_departure(_locked_case(case.pk))
    unknown = set(changes).difference(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Champs non modifiables : %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if "return_reason" in changes:
        changes["return_reason"] = (changes["return_reason"] or "").strip()
    _validate_case_changes(case, changes)
    diff = update_versioned(instance=case, expected_version=expected_version, changes=changes)
    _audit(actor, "case.update", case, case, **diff)
    return case


def _validate_case_changes(case: Case, changes: dict[str, Any]) -> None:
    """Every problem of the case as `changes` would leave it, by field."""
    errors = {name: [message] for name, message in text_problems(Case, changes).items()}
    decided_on = changes.get("justice_decision_on", case.justice_decision_on)
    if changes.get("justice_decision") == JusticeDecision.RETURN_AUTHORISED and not decided_on:
        errors[NON_FIELD_ERRORS] = [_("La décision du ministère de la Justice doit être datée.")]
    new_date = changes.get("justice_decision_on")
    if new_date is not None and new_date > timezone.localdate():
        errors["justice_decision_on"] = [
            _("La date de la décision du ministère de la Justice est dans le futur.")
        ]
    # Checked when what they check changes, so that an edit of something else is never
    # held up by a case recorded before these rules.
    if {"referral_source", "referring_organisation"} & set(changes):
        problem = referring_organisation_problem(
            changes.get("referral_source", case.referral_source),
            changes.get("referring_organisation", case.referring_organisation),
        )
        if problem:
            errors["referring_organisation"] = [problem]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User) -> Case:
    case = _locked_case(case.pk)
    _require(access.can_reassign(actor, case))
    if not access.assignable_caseworkers(case).filter(pk=assignee.pk).exists():
        raise ValidationError(_("Cette personne ne travaille pas dans le bureau du dossier."))
    previous = case.assigned_to.get_username() if case.assigned_to else ""
    case.assigned_to = assignee
    # A new version: an edit prepared before the reassignment must be looked at again.
    case.version += 1
    case.save(update_fields=["assigned_to", "version", "updated_at"])
    _audit(actor, "case.assign", case, case, assigned_to=[previous, assignee.get_username()])
    return case


# Duplicates ---------------------------------------------------------------------------


def _link_people(person: Person, known_person: Person) -> None:
    """`person` is someone already known; a past return makes it re-migration."""
    person.linked_person = known_person
    person.duplicate_review = DuplicateReview.LINKED
    person.is_remigration = (
        known_person.case.status in RETURNED_STATUSES or known_person.is_remigration
    )
    person.save(update_fields=["linked_person", "duplicate_review", "is_remigration"])


@transaction.atomic
def duplicate_link(*, actor: User, person: Person, known_person: Person) -> Person:
    """Record that `person` is a known person of a case the actor may see. (One of another
    office's cases is linked by that office: `duplicate_link_request`.)"""
    _require(access.can_change_case(actor, person.case))
    proposed = selectors.duplicate_candidates(person).filter(case__in=access.cases_for(actor))
    if not proposed.filter(pk=known_person.pk).exists():
        raise ValidationError(_("Cette personne n'est pas un doublon proposé."))
    _link_people(person, known_person)
    _audit(
        actor,
        "person.duplicate_link",
        person,
        person.case,
        linked_case=known_person.case.number,
        remigration=person.is_remigration,
    )
    return person


def duplicate_check(
    *, actor: User, people: list[PersonData]
) -> list[tuple[str, selectors.DuplicateMatches]]:
    """Known people who resemble those about to be registered, before a number is issued:
    `(name as typed, DuplicateMatches)` for each one who has some. Each lookup is traced,
    since it tells whether someone is known to the programme."""
    draft = Case(registered_on=timezone.localdate())
    built = [_build_person(draft, data) for data in people]
    identifiable = [person for person in built if selectors.identity_condition(person)]
    if not identifiable:
        return []
    visible_cases = access.cases_for(actor)
    found = []
    for person in identifiable:
        matches = selectors.duplicate_matches(person, visible_cases=visible_cases)
        if matches:
            found.append((str(person), matches))
    audit_record(
        actor=actor,
        action="person.duplicate_check",
        changes={
            "people": len(identifiable),
            "known_here": sum(len(matches.visible) for _name, matches in found),
            "known_elsewhere": sorted({o for _n, m in found for o in m.other_offices}),
        },
    )
    return found


@transaction.atomic
def duplicate_link_request(*, actor: User, person: Person) -> list[DuplicateLinkRequest]:
    """Ask the offices that know people resembling `person`, whose cases the actor may not
    see, to confirm whether one of them is this person."""
    _require(access.can_change_case(actor, person.case))
    if person.duplicate_review == DuplicateReview.LINKED:
        raise ValidationError(_("Cette personne est déjà liée à une personne connue."))
    hidden = selectors.duplicate_candidates(person).exclude(case__in=access.cases_for(actor))
    requests = [
        DuplicateLinkRequest.objects.get_or_create(
            person=person, known_person=known, defaults={"requested_by": actor}
        )[0]
        for known in hidden[: selectors.MATCHES_SHOWN]
    ]
    if not requests:
        raise ValidationError(_("Aucun autre bureau ne connaît de personne qui lui ressemble."))
    offices = sorted({request.known_person.case.office.name for request in requests})
    _audit(actor, "person.link_request", person, person.case, offices=offices)
    for request in requests:
        audit_record(
            actor=actor,
            action="person.link_request",
            target=request.known_person,
            scope=request.known_person.case,
            changes={"office": person.case.office.name},
        )
    return requests


@transaction.atomic
def duplicate_link_decide(
    *, actor: User, link_request: DuplicateLinkRequest, same_person: bool
) -> DuplicateLinkRequest:
    """The office that knows the person says whether the person registered elsewhere is
    them; if so they are linked, as re-migration when that person had returned."""
    link_request = (
        DuplicateLinkRequest.objects.select_for_update()
        .select_related("person__case__office", "known_person__case__office")
        .get(pk=link_request.pk)
    )
    _require(access.can_decide_link_request(actor, link_request))
    if link_request.status != LinkRequestStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    person, known_person = link_request.person, link_request.known_person
    if same_person and person.duplicate_review == DuplicateReview.LINKED:
        raise ValidationError(_("Cette personne est déjà liée à une personne connue."))
    link_request.status = LinkRequestStatus.CONFIRMED if same_person else LinkRequestStatus.DECLINED
    link_request.decided_by = actor
    link_request.decided_at = timezone.now()
    link_request.save(update_fields=["status", "decided_by", "decided_at"])
    if same_person:
        _link_people(person, known_person)
    action = "person.link_confirm" if same_person else "person.link_decline"
    details = {"remigration": person.is_remigration} if same_person else {}
    _audit(actor, action, person, person.case, office=known_person.case.office.name, **details)
    audit_record(
        actor=actor,
        action=action,
        target=known_person,
        scope=known_person.case,
        changes={"office": person.case.office.name},
    )
    return link_request


@transaction.atomic
def duplicate_dismiss(*, actor: User, person: Person) -> Person:
    _require(access.can_change_case(actor, person.case))
    person.duplicate_review = DuplicateReview.DISMISSED
    person.save(update_fields=["duplicate_review"])
    _audit(actor, "person.duplicate_dismiss", person, person.case)
    return person


# Workflow -----------------------------------------------------------------------------


def _locked_case(case_id: int) -> Case:
    """The case as it is now, locked until the caller's transaction ends, so that a check
    of its status cannot be overtaken by a simultaneous transition."""
    return Case.objects.select_for_update().get(pk=case_id)


def _require_pre_departure(case: Case) -> None:
    if case.status not in PRE_DEPARTURE_STATUSES:
        raise ValidationError(
            _("Ce dossier est « %(status)s » : il ne peut plus être modifié ainsi.")
            % {"status": case.get_status_display()}
        )


@transaction.atomic
def case_transition(
    *, actor: User, case: Case, to_status: CaseStatus, reason: str = "", on: date | None = None
) -> Case:
    """Move the case to `to_status` if its guards allow; say what is missing otherwise."""
    _require(access.can_change_case(actor, case))
    # Lock the case so that two simultaneous transitions cannot both pass the guards.
    case = Case.objects.select_for_update().get(pk=case.pk)
    missing = missing_for(case, to_status)
    if to_status == CaseStatus.WITHDRAWN and not reason.strip():
        missing.append(_("Indiquez le motif du désistement."))
    if on is not None and on > timezone.localdate():
        missing.append(_("La date est dans le futur."))
    if missing:
        raise ValidationError(missing)
    previous = case.status
    case.status = to_status
    updated = ["status", "version", "updated_at"]
    stage_field = stage_date_field(to_status)
    if stage_field and not getattr(case, stage_field):
        setattr(case, stage_field, on or timezone.localdate())
        updated.append(stage_field)
    if to_status == CaseStatus.WITHDRAWN:
        case.withdrawal_reason = reason.strip()
        updated.append("withdrawal_reason")
    case.version += 1
    case.save(update_fields=updated)
    status_changed(case, CaseStatus(previous), actor)
    _audit(
        actor,
        "case.transition",
        case,
        case,
        status=[previous, to_status.value],
        reason=reason.strip(),
    )
    return case


def case_withdraw(*, actor: User, case: Case, reason: str, on: date | None = None) -> Case:
    """The person decided not to return. Nothing is deleted."""
    return case_transition(
        actor=actor, case=case, to_status=CaseStatus.WITHDRAWN, reason=reason, on=on
    )


# Pre-departure records ----------------------------------------------------------------


def _validate_money(value: Decimal | None, currency: str, given_on: date) -> None:
    if value is None:
        return
    if value < 0 or not currency:
        raise ValidationError(
            _("Une valeur doit être positive et avoir une devise ISO 4217 (ex. MAD).")
        )
    if not money.is_currency(currency, on=given_on):
        raise ValidationError(
            _("« %(currency)s » n'est pas le code ISO 4217 d'une devise en usage (ex. MAD).")
            % {"currency": currency}
        )


@transaction.atomic
def assistance_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    given_on: date,
    quantity: int = 1,
    value: Decimal | None = None,
    currency: str = "",
    provider: Organisation | None = None,
    note: str = "",
    distribution: Distribution | None = None,
) -> Assistance:
    case = _locked_case(person.case_id)
    _require(access.can_change_case(actor, case))
    _require_pre_departure(case)
    currency = currency.strip().upper()
    _validate_money(value, currency, given_on)
    if given_on > timezone.localdate():
        raise ValidationError(_("La date de l'assistance est dans le futur."))
    assistance = Assistance(
        person=person,
        case=case,
        kind=kind,
        given_on=given_on,
        quantity=quantity,
        value=value,
        currency=currency if value is not None else "",
        provider=provider,
        note=note.strip(),
        distribution=distribution,
        recorded_by=actor,
    )
    assistance.full_clean()
    assistance.save()
    _audit(
        actor,
        "assistance.create",
        assistance,
        case,
        kind=kind,
        given_on=str(given_on),
        quantity=quantity,
    )
    return assistance


@transaction.atomic
def assistance_record_many(
    *, actor: User, people: list[Person], **assistance: Any
) -> list[Assistance]:
    """The same assistance for several people: recorded for all of them or for none."""
    if not people:
        raise ValidationError(_("Choisissez au moins une personne."))
    return [assistance_record(actor=actor, person=person, **assistance) for person in people]


@transaction.atomic
def distribution_record(
    *,
    actor: User,
    kind: str,
    given_on: date,
    people: list[Person],
    note: str = "",
    **assistance: Any,
) -> Distribution:
    """A distribution day: the same assistance to people of several cases of the office."""
    office = _office_of(actor)
    distribution = Distribution(
        office=office, kind=kind, given_on=given_on, note=note.strip(), recorded_by=actor
    )
    distribution.full_clean()
    distribution.save()
    assistance_record_many(
        actor=actor,
        people=people,
        kind=kind,
        given_on=given_on,
        note=note,
        distribution=distribution,
        **assistance,
    )
    return distribution


@transaction.atomic
def counselling_record(
    *, actor: User, case: Case, held_on: date, topics: str, interpreter_language: str = ""
) -> CounsellingSession:
    _require(access.can_change_case(actor, case))
    session = CounsellingSession(
        case=case,
        held_on=held_on,
        counsellor=actor,
        topics=topics.strip(),
        interpreter_language=interpreter_language.strip(),
    )
    refused = text_problems(
        CounsellingSession, {"interpreter_language": session.interpreter_language}
    )
    if refused:
        raise ValidationError(refused)
    session.full_clean()
    if held_on > timezone.localdate():
        raise ValidationError(_("La date de la séance est dans le futur."))
    session.save()
    _audit(actor, "counselling.create", session, case, held_on=str(held_on))
    return session


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    upload: Upload,
    person: Person | None = None,
    document_date: date | None = None,
) -> Attachment:
    _require(access.can_change_case(actor, case))
    if person is not None and person.case_id != case.pk:
        raise ValidationError(_("Cette personne n'appartient pas au dossier."))
    checked = upload_check(upload)
    attachment = Attachment(
        case=case,
        person=person,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.mime,
        size=checked.size,
        document_date=document_date,
        uploaded_by=actor,
    )
    # Everything is checked before the file is written, so a refusal leaves no file behind.
    attachment.full_clean(exclude=["file"])
    attachment.file.save(checked.stored_name, upload, save=False)
    attachment.save()
    _audit(actor, "attachment.create", attachment, case, kind=kind, size=attachment.size)
    return attachment


@transaction.atomic
def declaration_record(
    *,
    actor: User,
    case: Case,
    signatory: Person,
    signed_on: date,
    scan: UploadedFile[bytes],
    guardian_name: str = "",
) -> ReturnDeclaration:
    """The signed voluntary return declaration, with its scan."""
    case = _locked_case(case.pk)
    _require(access.can_change_case(actor, case))
    _require_pre_departure(case)
    errors = []
    if signatory.case_id != case.pk:
        errors.append(_("Cette personne n'appartient pas au dossier."))
    if signed_on > timezone.localdate():
        errors.append(_("La date de signature est dans le futur."))
    if signatory.is_minor_on(signed_on) and not guardian_name.strip():
        errors.append(_("La personne est mineure : indiquez le tuteur ou la tutrice qui signe."))
    errors += text_problems(ReturnDeclaration, {"guardian_name": guardian_name.strip()}).values()
    if errors:
        raise ValidationError(errors)
    attachment = attachment_add(
        actor=actor,
        case=case,
        kind=Attachment.Kind.DECLARATION,
        upload=scan,
        person=signatory,
        document_date=signed_on,
    )
    declaration = ReturnDeclaration.objects.create(
        case=case,
        signatory=signatory,
        signed_on=signed_on,
        guardian_name=guardian_name.strip(),
        scan=attachment,
        recorded_by=actor,
    )
    _audit(actor, "declaration.create", declaration, case, signed_on=str(signed_on))
    return declaration


@transaction.atomic
def sensitive_note_add(*, actor: User, case: Case, kind: str, text: str) -> SensitiveNote:
    _require(access.can_see_sensitive_notes(actor, case))
    note = SensitiveNote(case=case, kind=kind, text=text.strip(), author=actor)
    note.full_clean()
    note.save()
    # The audit trail says a note was written, never what it says.
    _audit(actor, "sensitive_note.create", note, case, kind=kind)
    return note


def attachment_view_record(*, actor: User, attachment: Attachment) -> None:
    audit_record(actor=actor, action="attachment.view", target=attachment, scope=attachment.case)


def case_view_record(*, actor: User, case: Case) -> None:
    """Every opening of a case file is traced."""
    audit_record(actor=actor, action="case.view", target=case)
