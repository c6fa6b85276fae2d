"""Writes on movements: the journey, its legs, each traveller's ticket (paid from an
agreement in the same transaction), the police's exit authorisation, the departure-day
checklist, a no-show, and the departure that moves a case to `departed`.

A booked ticket holds one unit of an agreement until it is used, cancelled or unused (a
no-show, a withdrawal): then the unit goes back (`funding_release`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avrr import money, rules
from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.sequences import sequence_next
from avrr.services import audit_record
from avrr.texts import text_problems
from cases.departure import access
from cases.departure.models import (
    DepartureCheck,
    ExitAuthorisation,
    FundingAgreement,
    Leg,
    Movement,
    MovementStatus,
    SpecialNeed,
    Ticket,
    TicketStatus,
    TravelDocument,
)
from cases.departure.services.funding import (
    booking_order_problem,
    funding_release,
    funding_reserve,
)
from cases.departure.workflow import travel_date
from cases.models import Case, CaseStatus, Person, TravelMode
from cases.services import case_transition

# The series of movement references in `avrr.Sequence`.
MOVEMENT_REFERENCES = "movement"
# Special needs that cannot be met without someone travelling with the person.
NEEDS_AN_ESCORT = frozenset({SpecialNeed.MEDICAL_ESCORT, SpecialNeed.MINOR_ESCORT})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _texts(model: type[Model], **values: str) -> None:
    """Over-long texts and direction-control characters, refused by field."""
    problems = text_problems(model, values)
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})


# Movements and legs -------------------------------------------------------------------


def _movement_office(actor: User, office: Organisation | None) -> Organisation:
    """The actor's office; an administrator names the IOM office."""
    own = rules.works_for_iom_office(actor)
    if own is not None:
        if office is not None and office.pk != own.pk:
            raise PermissionDenied
        return own
    if rules.has_role(actor, Role.ADMIN) and office is not None:
        if office.kind != Organisation.Kind.IOM_OFFICE:
            raise ValidationError({"office": _("Choisissez un bureau de l'OIM.")})
        return office
    raise PermissionDenied


@transaction.atomic
def movement_create(
    *,
    actor: User,
    mode: str,
    destination_country: str,
    office: Organisation | None = None,
) -> Movement:
    """A new movement of the office, numbered MV-<office>-<year>-<n>."""
    office = _movement_office(actor, office)
    if mode not in TravelMode.values:
        raise ValidationError({"mode": _("Choisissez un mode de voyage.")})
    if not destination_country:
        raise ValidationError({"destination_country": _("Choisissez le pays de destination.")})
    year = timezone.localdate().year
    value = sequence_next(organisation=office, name=MOVEMENT_REFERENCES, year=year)
    movement = Movement.objects.create(
        office=office,
        reference=f"MV-{office.code}-{year}-{value:04d}",
        mode=mode,
        destination_country=destination_country,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="movement.create",
        target=movement,
        changes={"reference": movement.reference, "mode": mode},
    )
    return movement


def _locked_planned(actor: User, movement: Movement) -> Movement:
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    _require(access.can_change_movement(actor, movement))
    if movement.status != MovementStatus.PLANNED:
        raise ValidationError(
            _("Le mouvement %(reference)s est « %(status)s » : il ne change plus.")
            % {"reference": movement.reference, "status": movement.get_status_display()}
        )
    return movement


@dataclass
class LegData:
    origin: str
    destination: str
    carrier: str
    number: str
    departs_at: datetime
    departure_time_zone: str
    arrives_at: datetime
    arrival_time_zone: str


def _leg_problems(data: LegData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    texts = {name: getattr(data, name) for name in ("origin", "destination", "carrier", "number")}
    for name, value in texts.items():
        if not value.strip():
            errors.setdefault(name, []).append(_("Ce champ est obligatoire."))
    for name, message in text_problems(Leg, texts).items():
        errors.setdefault(name, []).append(message)
    zones = available_timezones()
    for name in ("departure_time_zone", "arrival_time_zone"):
        if getattr(data, name) not in zones:
            errors.setdefault(name, []).append(
                _("Indiquez un fuseau horaire IANA, par exemple Africa/Casablanca.")
            )
    for name in ("departs_at", "arrives_at"):
        if timezone.is_naive(getattr(data, name)):
            errors.setdefault(name, []).append(_("Indiquez l'heure avec son fuseau horaire."))
    if not errors and data.arrives_at <= data.departs_at:
        errors.setdefault("arrives_at", []).append(_("L'arrivée doit suivre le départ."))
    return errors


def _documents_still_valid(movement: Movement) -> None:
    """After a change of dates: every booked traveller still has a document for the day."""
    problems = [
        problem
        for ticket in movement.tickets.filter(status=TicketStatus.BOOKED).select_related("person")
        if (problem := _document_problem(ticket.person, travel_date(ticket)))
    ]
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def leg_add(*, actor: User, movement: Movement, data: LegData) -> Leg:
    movement = _locked_planned(actor, movement)
    errors = _leg_problems(data)
    if errors:
        raise ValidationError(errors)
    last = movement.legs.order_by("-order").first()
    leg = Leg.objects.create(
        movement=movement, order=last.order + 1 if last else 1, **data.__dict__
    )
    _documents_still_valid(movement)
    audit_record(actor=actor, action="movement.leg_add", target=leg, scope=movement)
    return leg


@transaction.atomic
def leg_update(*, actor: User, leg: Leg, data: LegData) -> Leg:
    _locked_planned(actor, leg.movement)
    errors = _leg_problems(data)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in data.__dict__.items() if getattr(leg, name) != value]
    for name in changed:
        setattr(leg, name, getattr(data, name))
    if changed:
        leg.save(update_fields=changed)
        _documents_still_valid(leg.movement)
        audit_record(
            actor=actor,
            action="movement.leg_update",
            target=leg,
            scope=leg.movement,
            changes={"fields": changed},
        )
    return leg


# Tickets ------------------------------------------------------------------------------


def _document_problem(person: Person, day: date | None) -> str:
    """Why the person cannot travel on `day`: whose document and when; empty when they can."""
    if day is None:
        return ""
    # Read now, whatever the caller prefetched: a document may have just been recorded.
    documents = TravelDocument.objects.filter(person=person).order_by("-expires_on")
    if documents.filter(expires_on__gte=day).exists():
        return ""
    latest = documents.first()
    if latest is None:
        return _("%(name)s n'a pas de document de voyage (voyage le %(date)s).") % {
            "name": person,
            "date": _short(day),
        }
    return _(
        "Le document de voyage de %(name)s (%(kind)s %(number)s) expire le %(expiry)s, "
        "avant le voyage du %(date)s."
    ) % {
        "name": person,
        "kind": latest.get_kind_display(),
        "number": latest.number,
        "expiry": _short(latest.expires_on),
        "date": _short(day),
    }


@dataclass
class TravellerData:
    """What a ticket says of its traveller beyond who they are."""

    special_needs: list[str] = field(default_factory=list)
    escort: str = ""
    number: str = ""


def _traveller_problems(person: Person, data: TravellerData) -> list[str]:
    problems = []
    unknown = [need for need in data.special_needs if need not in SpecialNeed.values]
    if unknown:
        problems.append(
            _("Besoin particulier inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if NEEDS_AN_ESCORT.intersection(data.special_needs) and not data.escort.strip():
        problems.append(_("%(name)s voyage avec une escorte : indiquez-la.") % {"name": person})
    problems.extend(text_problems(Ticket, {"escort": data.escort, "number": data.number}).values())
    return problems


def _locked_ready_case(actor: User, case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(access.can_change_departure(actor, case))
    if case.status != CaseStatus.READY:
        raise ValidationError(
            _(
                "Le dossier %(number)s est « %(status)s » : seul un dossier prêt au départ est "
                "réservé."
            )
            % {"number": case.number, "status": case.get_status_display()}
        )
    return case


@transaction.atomic
def ticket_book(
    *,
    actor: User,
    movement: Movement,
    person: Person,
    agreement: FundingAgreement,
    cost: Decimal,
    currency: str,
    traveller: TravellerData | None = None,
    out_of_order_reason: str = "",
) -> Ticket:
    """A ticket on `movement` for a person of a `ready` case, paid from `agreement`.

    Refused, saying whose document and when, if the person has no travel document valid on
    the day of travel; refused with `NoFunds` if the agreement cannot pay it.
    """
    traveller = traveller or TravellerData()
    movement = _locked_planned(actor, movement)
    case = _locked_ready_case(actor, person.case)
    if case.office_id != movement.office_id:
        raise ValidationError(_("Le dossier et le mouvement doivent être du même bureau."))
    if Ticket.objects.filter(person=person, status=TicketStatus.BOOKED).exists():
        raise ValidationError(_("%(name)s a déjà un billet réservé.") % {"name": person})
    legs = list(movement.legs.all())
    if not legs:
        raise ValidationError(_("Ajoutez d'abord le vol ou le car (une étape) au mouvement."))
    day = timezone.localtime(min(legs, key=lambda leg: leg.order).departs_at).date()
    problems = _traveller_problems(person, traveller)
    if problem := _document_problem(person, day):
        problems.insert(0, problem)
    if cost < 0 or not money.is_currency(currency, on=timezone.localdate()):
        problems.append(
            _("Le coût doit être positif et avoir une devise ISO 4217 en usage (ex. MAD).")
        )
    if problems:
        raise ValidationError(problems)
    reservation = funding_reserve(
        actor=actor,
        agreement=agreement,
        person=person,
        cost=cost,
        currency=currency,
        out_of_order_reason=out_of_order_reason,
    )
    ticket = Ticket.objects.create(
        movement=movement,
        person=person,
        case=case,
        number=traveller.number.strip(),
        cost=cost,
        currency=currency,
        reservation=reservation,
        special_needs=list(dict.fromkeys(traveller.special_needs)),
        escort=traveller.escort.strip(),
        booked_by=actor,
    )
    audit_record(
        actor=actor,
        action="ticket.book",
        target=ticket,
        scope=case,
        changes={"movement": movement.reference, "agreement": agreement.reference},
    )
    return ticket


@transaction.atomic
def case_book(
    *,
    actor: User,
    movement: Movement,
    case: Case,
    agreement: FundingAgreement,
    cost: Decimal,
    currency: str,
    travellers: dict[int, TravellerData] | None = None,
    out_of_order_reason: str = "",
) -> list[Ticket]:
    """A ticket for each person of the case who has none yet, all or none: a family
    travels together. `travellers` gives, by person id, their needs and escort."""
    travellers = travellers or {}
    # The waiting list's order holds unless the booking says why not.
    ahead = booking_order_problem(case)
    if ahead and not out_of_order_reason.strip():
        raise ValidationError(ahead)
    booked = set(
        Ticket.objects.filter(case=case, status=TicketStatus.BOOKED).values_list(
            "person_id", flat=True
        )
    )
    people = [person for person in case.people.all() if person.pk not in booked]
    if not people:
        raise ValidationError(_("Chaque personne du dossier a déjà un billet."))
    errors: list[str] = []
    tickets = []
    for person in people:
        try:
            with transaction.atomic():
                tickets.append(
                    ticket_book(
                        actor=actor,
                        movement=movement,
                        person=person,
                        agreement=agreement,
                        cost=cost,
                        currency=currency,
                        traveller=travellers.get(person.pk),
                        out_of_order_reason=out_of_order_reason,
                    )
                )
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        # Every person's problem at once; nothing booked.
        raise ValidationError(errors)
    return tickets


def _locked_ticket(actor: User, ticket: Ticket, *allowed: TicketStatus) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("movement", "person", "case", "reservation")
        .get(pk=ticket.pk)
    )
    _require(access.can_change_departure(actor, ticket.case))
    if ticket.status not in allowed:
        raise ValidationError(
            _("Le billet de %(name)s est « %(status)s » : cette action n'est plus possible.")
            % {"name": ticket.person, "status": ticket.get_status_display()}
        )
    return ticket


@transaction.atomic
def ticket_update(*, actor: User, ticket: Ticket, traveller: TravellerData) -> Ticket:
    """The ticket's number, the traveller's special needs and escort."""
    ticket = _locked_ticket(actor, ticket, TicketStatus.BOOKED)
    problems = _traveller_problems(ticket.person, traveller)
    if problems:
        raise ValidationError(problems)
    ticket.number = traveller.number.strip()
    ticket.special_needs = list(dict.fromkeys(traveller.special_needs))
    ticket.escort = traveller.escort.strip()
    ticket.save(update_fields=["number", "special_needs", "escort"])
    audit_record(
        actor=actor,
        action="ticket.update",
        target=ticket,
        scope=ticket.case,
        changes={"special_needs": ticket.special_needs},
    )
    return ticket


def _ticket_close(
    actor: User, ticket: Ticket, status: TicketStatus, reason: str, action: str
) -> Ticket:
    ticket.status = status
    ticket.status_reason = reason.strip()
    ticket.save(update_fields=["status", "status_reason"])
    funding_release(actor=actor, reservation=ticket.reservation, reason=reason)
    audit_record(
        actor=actor,
        action=action,
        target=ticket,
        scope=ticket.case,
        changes={"movement": ticket.movement.reference, "reason": ticket.status_reason},
    )
    return ticket


@transaction.atomic
def ticket_cancel(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """The ticket will not be used: its unit goes back to the agreement."""
    ticket = _locked_ticket(actor, ticket, TicketStatus.BOOKED)
    if not reason.strip():
        raise ValidationError({"reason": [_("Indiquez le motif de l'annulation.")]})
    _texts(Ticket, status_reason=reason)
    return _ticket_close(actor, ticket, TicketStatus.CANCELLED, reason, "ticket.cancel")


@transaction.atomic
def movement_cancel(*, actor: User, movement: Movement, reason: str) -> Movement:
    """The flight or bus will not be taken (cancelled, changed): each booked ticket is
    cancelled and its unit goes back to its agreement; the cases stay `ready`."""
    _require(access.can_change_movement(actor, movement))
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != MovementStatus.PLANNED:
        raise ValidationError(
            _("Ce mouvement est « %(status)s » : il ne peut plus être annulé.")
            % {"status": movement.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Indiquez le motif de l'annulation.")]})
    _texts(Ticket, status_reason=reason)
    booked = Ticket.objects.select_for_update(of=("self",)).filter(
        movement=movement, status=TicketStatus.BOOKED
    )
    for ticket in booked.select_related("movement", "case", "reservation"):
        _ticket_close(actor, ticket, TicketStatus.CANCELLED, reason, "ticket.cancel")
    movement.status = MovementStatus.CANCELLED
    movement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="movement.cancel",
        target=movement,
        changes={"reason": reason.strip()},
    )
    return movement


@transaction.atomic
def ticket_no_show(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """The traveller did not come on departure day: struck from the manifest, the ticket's
    unit back to the agreement. The case stays `ready`, to be booked again."""
    ticket = _locked_ticket(actor, ticket, TicketStatus.BOOKED)
    if not reason.strip():
        raise ValidationError(
            {"reason": [_("Indiquez pourquoi la personne ne s'est pas présentée.")]}
        )
    _texts(Ticket, status_reason=reason)
    return _ticket_close(actor, ticket, TicketStatus.NO_SHOW, reason, "ticket.no_show")


# Exit authorisation and departure day -------------------------------------------------


@transaction.atomic
def exit_authorisation_record(
    *, actor: User, ticket: Ticket, pv_number: str, issued_on: date, police_station: str
) -> ExitAuthorisation:
    """The police's PV for the traveller (recorded again: corrected). It is made on the
    ticket and the travel document, so both must be there first."""
    ticket = _locked_ticket(actor, ticket, TicketStatus.BOOKED)
    errors: dict[str, list[str]] = {}
    if not pv_number.strip():
        errors["pv_number"] = [_("Indiquez le numéro du PV.")]
    if not police_station.strip():
        errors["police_station"] = [_("Indiquez le commissariat.")]
    if issued_on > timezone.localdate():
        errors["issued_on"] = [_("La date est dans le futur.")]
    if errors:
        raise ValidationError(errors)
    _texts(ExitAuthorisation, pv_number=pv_number, police_station=police_station)
    if problem := _document_problem(ticket.person, travel_date(ticket)):
        raise ValidationError(problem)
    authorisation, created = ExitAuthorisation.objects.update_or_create(
        ticket=ticket,
        defaults={
            "pv_number": pv_number.strip(),
            "issued_on": issued_on,
            "police_station": police_station.strip(),
            "recorded_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="exit_authorisation.record",
        target=authorisation,
        scope=ticket.case,
        changes={"pv_number": authorisation.pv_number, "corrected": not created},
    )
    return authorisation


@dataclass
class CheckData:
    """The departure-day checklist of one traveller, as it now stands."""

    escorted_by: str = ""
    baggage_checked_in: bool = False
    currency_exchanged: bool = False
    per_diem_amount: Decimal | None = None
    per_diem_currency: str = ""
    per_diem_receipt_signed: bool = False
    reintegration_documents_signed: bool = False
    border_passed: bool = False


def check_defaults() -> CheckData:
    """A checklist not yet started: the per diem of the setting PER_DIEM_DEFAULT."""
    amount, currency = settings.PER_DIEM_DEFAULT
    return CheckData(per_diem_amount=amount, per_diem_currency=currency)


def _check_problems(ticket: Ticket, data: CheckData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.per_diem_amount is not None:
        if data.per_diem_amount < 0 or not money.is_currency(
            data.per_diem_currency, on=timezone.localdate()
        ):
            errors["per_diem_currency"] = [
                _("Le pécule doit être positif et avoir une devise ISO 4217 en usage (ex. USD).")
            ]
    elif data.per_diem_receipt_signed:
        errors["per_diem_amount"] = [_("Indiquez le montant du pécule remis.")]
    if data.border_passed and not hasattr(ticket, "exit_authorisation"):
        errors["border_passed"] = [
            _("%(name)s n'a pas d'autorisation de sortie : la frontière ne peut pas être passée.")
            % {"name": ticket.person}
        ]
    for name, message in text_problems(DepartureCheck, {"escorted_by": data.escorted_by}).items():
        errors[name] = [message]
    return errors


@transaction.atomic
def departure_check_update(*, actor: User, ticket: Ticket, data: CheckData) -> DepartureCheck:
    """Record where the traveller is on departure day."""
    ticket = _locked_ticket(actor, ticket, TicketStatus.BOOKED)
    errors = _check_problems(ticket, data)
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        **data.__dict__,
        "escorted_by": data.escorted_by.strip(),
        "per_diem_currency": data.per_diem_currency if data.per_diem_amount is not None else "",
        "updated_by": actor,
    }
    check, _created = DepartureCheck.objects.update_or_create(ticket=ticket, defaults=values)
    audit_record(
        actor=actor,
        action="departure_check.update",
        target=check,
        scope=ticket.case,
        changes={
            name: value
            for name, value in data.__dict__.items()
            if isinstance(value, bool) and value
        },
    )
    return check


@transaction.atomic
def departure_complete(*, actor: User, case: Case) -> Case:
    """The case's travellers have left: their tickets used, the case `departed` on the day
    of travel with the movement's mode. Refused, naming each missing item and person, by
    the guards of `ready → departed` (cases.departure.workflow)."""
    _require(access.can_change_departure(actor, case))
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(case=case, status=TicketStatus.BOOKED)
        .select_related("movement")
        .prefetch_related("movement__legs")
    )
    days = [day for ticket in tickets if (day := travel_date(ticket)) is not None]
    case = case_transition(
        actor=actor, case=case, to_status=CaseStatus.DEPARTED, on=min(days) if days else None
    )
    case.travel_mode = tickets[0].movement.mode
    case.save(update_fields=["travel_mode"])
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(status=TicketStatus.USED)
    for movement in {ticket.movement for ticket in tickets}:
        _movement_close_if_gone(actor, movement)
    return case


def _movement_close_if_gone(actor: User, movement: Movement) -> None:
    """A movement none of whose tickets is still booked, and one of them used, has left."""
    tickets = movement.tickets.all()
    if tickets.filter(status=TicketStatus.BOOKED).exists():
        return
    if not tickets.filter(status=TicketStatus.USED).exists():
        return
    movement.status = MovementStatus.DEPARTED
    movement.save(update_fields=["status"])
    audit_record(actor=actor, action="movement.depart", target=movement)


@transaction.atomic
def manifest_download_record(*, actor: User, movement: Movement, file_format: str) -> None:
    """The manifest lists people's identities and documents: each download is traced."""
    audit_record(
        actor=actor,
        action="movement.manifest",
        target=movement,
        changes={"format": file_format},
    )


# The case's withdrawal ----------------------------------------------------------------


def tickets_free_on_withdrawal(case: Case, previous: CaseStatus, actor: User) -> None:
    """A status listener: a withdrawn case's booked tickets are cancelled and their units
    go back. Possible until boarding: once a traveller has passed the border post, the
    withdrawal is refused (the transaction of the change is undone)."""
    if case.status != CaseStatus.WITHDRAWN:
        return
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(case=case, status=TicketStatus.BOOKED)
        .select_related("movement", "person", "case", "reservation", "departure_check")
    )
    boarded = [
        ticket.person
        for ticket in tickets
        if getattr(ticket, "departure_check", None) is not None
        and ticket.departure_check.border_passed
    ]
    if boarded:
        raise ValidationError(
            _("Déjà passé·e le poste frontière : %(names)s. Le désistement n'est plus possible.")
            % {"names": ", ".join(str(person) for person in boarded)}
        )
    for ticket in tickets:
        _ticket_close(actor, ticket, TicketStatus.CANCELLED, _("Désistement"), "ticket.cancel")
