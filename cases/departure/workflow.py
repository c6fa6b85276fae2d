"""How the departure phase plugs into the case workflow (`cases.workflow`'s registries):
`ready → departed`, the date stamped, and what must hold first. Each guard names the people
and the missing item, so that the caseworker knows what to do."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cases.departure.models import Ticket, TicketStatus, TravelDocument
from cases.models import Case, CaseStatus, Person
from cases.workflow import (
    is_unaccompanied_minor_case,
    needs_justice_decision,
    needs_signed_declaration,
    register_guard,
    register_stage_date,
    register_transition,
)


def _is_prefetched(instance: Model, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def _booked_tickets(case: Case) -> dict[int, Ticket]:
    # A list of cases reads their tickets once (`selectors.movements.cases_with_departure`).
    if _is_prefetched(case, "tickets"):
        tickets: Iterable[Ticket] = [
            ticket for ticket in case.tickets.all() if ticket.status == TicketStatus.BOOKED
        ]
    else:
        tickets = (
            Ticket.objects.filter(case=case, status=TicketStatus.BOOKED)
            .select_related("movement", "exit_authorisation", "departure_check")
            .prefetch_related("movement__legs")
        )
    return {ticket.person_id: ticket for ticket in tickets}


def travel_date(ticket: Ticket) -> date | None:
    """The day the traveller leaves: the movement's first leg, in Morocco."""
    legs = sorted(ticket.movement.legs.all(), key=lambda leg: leg.order)
    return timezone.localdate(legs[0].departs_at) if legs else None


def valid_travel_document(person: Person, on: date) -> TravelDocument | None:
    if _is_prefetched(person, "travel_documents"):
        valid = [
            document for document in person.travel_documents.all() if document.expires_on >= on
        ]
        return max(valid, key=lambda document: document.expires_on, default=None)
    return person.travel_documents.filter(expires_on__gte=on).order_by("-expires_on").first()


def _names(people: list[Person]) -> str:
    return ", ".join(str(person) for person in people)


def needs_tickets(case: Case) -> str | None:
    tickets = _booked_tickets(case)
    without = [person for person in case.people.all() if person.pk not in tickets]
    if without:
        return _("Sans billet : %(names)s.") % {"names": _names(without)}
    return None


def needs_valid_travel_documents(case: Case) -> str | None:
    tickets = _booked_tickets(case)
    problems = []
    for person in case.people.all():
        ticket = tickets.get(person.pk)
        day = travel_date(ticket) if ticket else None
        if day is not None and valid_travel_document(person, day) is None:
            problems.append(
                _("%(name)s n'a pas de document de voyage valable le %(date)s.")
                % {"name": person, "date": date_format(day, "SHORT_DATE_FORMAT")}
            )
    return " ".join(problems) or None


def needs_exit_authorisations(case: Case) -> str | None:
    tickets = _booked_tickets(case)
    without = [
        ticket.person for ticket in tickets.values() if not hasattr(ticket, "exit_authorisation")
    ]
    if without:
        return _("Sans autorisation de sortie (PV de police) : %(names)s.") % {
            "names": _names(without)
        }
    return None


def needs_escort_for_unaccompanied_minor(case: Case) -> str | None:
    if not is_unaccompanied_minor_case(case):
        return None
    if any(not ticket.escort for ticket in _booked_tickets(case).values()):
        return _("Mineur non accompagné ou séparé : indiquez son escorte sur le billet.")
    return None


def needs_departure_day(case: Case) -> str | None:
    """The reintegration documents signed and the border post passed, for each traveller."""
    tickets = _booked_tickets(case)
    unsigned, not_passed = [], []
    for ticket in tickets.values():
        check = getattr(ticket, "departure_check", None)
        if check is None or not check.reintegration_documents_signed:
            unsigned.append(ticket.person)
        if check is None or not check.border_passed:
            not_passed.append(ticket.person)
    messages = []
    if unsigned:
        messages.append(
            _("Documents de réintégration non signés : %(names)s.") % {"names": _names(unsigned)}
        )
    if not_passed:
        messages.append(_("Poste frontière non passé : %(names)s.") % {"names": _names(not_passed)})
    return " ".join(messages) or None


def needs_declaration(case: Case) -> str | Promise | None:
    return needs_signed_declaration(case)


def needs_justice_decision_for_minor(case: Case) -> str | Promise | None:
    return needs_justice_decision(case)


def register() -> None:
    register_transition(CaseStatus.READY, CaseStatus.DEPARTED)
    register_stage_date(CaseStatus.DEPARTED, "departed_on")
    for guard in (
        needs_declaration,
        needs_justice_decision_for_minor,
        needs_tickets,
        needs_valid_travel_documents,
        needs_exit_authorisations,
        needs_escort_for_unaccompanied_minor,
        needs_departure_day,
    ):
        register_guard(CaseStatus.DEPARTED, guard)
