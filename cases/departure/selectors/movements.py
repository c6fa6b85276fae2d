"""Reads of movements reused by the pages and the API: lists, a movement with its
travellers and their readiness, the manifest's rows, the departures board, the cases whose
departure is blocked, and the expected arrivals of a mission. Each reads a fixed number of
queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from cases.departure.models import (
    Leg,
    Movement,
    MovementStatus,
    SpecialNeed,
    Ticket,
    TicketStatus,
    TravelDocument,
)
from cases.departure.workflow import valid_travel_document
from cases.models import Case, CaseStatus, Person
from cases.workflow import missing_for

# How many days ahead the departures board looks.
BOARD_DAYS = 14


def _first_departure() -> Subquery:
    return Subquery(
        Leg.objects.filter(movement=OuterRef("pk")).order_by("order").values("departs_at")[:1]
    )


def movement_list(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    """Movements with their first departure and counts of travellers by ticket status."""
    return (
        movements.select_related("office")
        .annotate(
            departs_at=_first_departure(),
            booked=Count("tickets", filter=Q(tickets__status=TicketStatus.BOOKED)),
            used=Count("tickets", filter=Q(tickets__status=TicketStatus.USED)),
            no_show=Count("tickets", filter=Q(tickets__status=TicketStatus.NO_SHOW)),
        )
        .order_by("-departs_at", "-pk")
    )


def _tickets_with_readiness() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "person", "case", "exit_authorisation", "departure_check", "reservation__agreement"
    ).prefetch_related(Prefetch("person__travel_documents", queryset=TravelDocument.objects.all()))


def special_need_labels(ticket: Ticket) -> list[str]:
    return [
        str(SpecialNeed(code).label) if code in SpecialNeed.values else code
        for code in ticket.special_needs
    ]


@dataclass
class Traveller:
    """A ticket and where its traveller stands before departure."""

    ticket: Ticket
    document: TravelDocument | None
    has_ticket: bool
    has_exit_authorisation: bool
    steps_done: int
    steps_total: int
    special_needs: list[str]

    @property
    def is_booked(self) -> bool:
        return self.ticket.status == TicketStatus.BOOKED

    @property
    def is_no_show(self) -> bool:
        return self.ticket.status == TicketStatus.NO_SHOW

    @property
    def is_ready(self) -> bool:
        return (
            self.document is not None
            and self.has_ticket
            and self.has_exit_authorisation
            and self.steps_done == self.steps_total
        )


# The departure-day steps counted on the movement page and the board.
CHECK_STEPS = (
    "baggage_checked_in",
    "currency_exchanged",
    "per_diem_receipt_signed",
    "reintegration_documents_signed",
    "border_passed",
)


def traveller(ticket: Ticket, day: date | None) -> Traveller:
    check = getattr(ticket, "departure_check", None)
    return Traveller(
        ticket=ticket,
        document=valid_travel_document(ticket.person, day) if day else None,
        has_ticket=ticket.status in (TicketStatus.BOOKED, TicketStatus.USED),
        has_exit_authorisation=hasattr(ticket, "exit_authorisation"),
        steps_done=sum(bool(getattr(check, step, False)) for step in CHECK_STEPS),
        steps_total=len(CHECK_STEPS),
        special_needs=special_need_labels(ticket),
    )


def movement_detail(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    """A movement with its legs and its tickets (cancelled ones too, for the record)."""
    return movements.select_related("office", "created_by").prefetch_related(
        "legs", Prefetch("tickets", queryset=_tickets_with_readiness().order_by("case_id", "pk"))
    )


@dataclass
class LegTimes:
    """A leg with its times as the clocks at each end show them, with the zone's name."""

    leg: Leg
    departs: str
    arrives: str


def _at(moment: datetime, zone: str) -> str:
    return f"{date_format(moment.astimezone(ZoneInfo(zone)), 'SHORT_DATETIME_FORMAT')} ({zone})"


def leg_times(legs: list[Leg]) -> list[LegTimes]:
    return [
        LegTimes(
            leg,
            _at(leg.departs_at, leg.departure_time_zone),
            _at(leg.arrives_at, leg.arrival_time_zone),
        )
        for leg in sorted(legs, key=lambda leg: leg.order)
    ]


def first_departure_day(movement: Movement) -> date | None:
    legs = sorted(movement.legs.all(), key=lambda leg: leg.order)
    return timezone.localdate(legs[0].departs_at) if legs else None


@dataclass
class CaseGroup:
    case: Case
    travellers: list[Traveller]
    # Set by the page: whether its user may mark the case departed now.
    can_depart: bool = False


def travellers_by_case(movement: Movement) -> list[CaseGroup]:
    """The movement's travellers grouped by case (a prefetched `movement_detail`)."""
    day = first_departure_day(movement)
    groups: dict[int, CaseGroup] = {}
    for ticket in movement.tickets.all():
        group = groups.setdefault(ticket.case_id, CaseGroup(ticket.case, []))
        group.travellers.append(traveller(ticket, day))
    return list(groups.values())


# The manifest -------------------------------------------------------------------------

# On the manifest: the travellers, a no-show struck from it; a cancelled ticket is not.
MANIFEST_STATUSES = (TicketStatus.BOOKED, TicketStatus.USED, TicketStatus.NO_SHOW)


@dataclass
class ManifestRow:
    name: str
    sex: str
    birth_date: date | None
    nationality: str
    document_kind: str
    document_number: str
    document_expiry: date | None
    ticket_number: str
    special_needs: list[str]
    escort: str
    no_show: bool


def manifest_rows(movement: Movement) -> list[ManifestRow]:
    tickets = (
        _tickets_with_readiness()
        .filter(movement=movement, status__in=MANIFEST_STATUSES)
        .order_by("case__number", "person__pk")
    )
    day = first_departure_day(movement)
    rows = []
    for ticket in tickets:
        person: Person = ticket.person
        document = valid_travel_document(person, day) if day else None
        rows.append(
            ManifestRow(
                name=str(person),
                sex=person.get_sex_display(),
                birth_date=person.birth_date,
                nationality=person.nationality.name,
                document_kind=document.get_kind_display() if document else "",
                document_number=document.number if document else "",
                document_expiry=document.expires_on if document else None,
                ticket_number=ticket.number,
                special_needs=special_need_labels(ticket),
                escort=ticket.escort,
                no_show=ticket.status == TicketStatus.NO_SHOW,
            )
        )
    return rows


# The departures board -----------------------------------------------------------------


@dataclass
class BoardRow:
    movement: Movement
    departs_at: datetime | None
    travellers: int
    with_document: int
    with_exit_authorisation: int
    ready: int


def departures_board(movements: QuerySet[Movement], *, today: date) -> list[BoardRow]:
    """Planned movements leaving in the next BOARD_DAYS days (and those overdue), soonest
    first, with how many of their travellers have each thing."""
    until = timezone.make_aware(
        datetime.combine(today + timedelta(days=BOARD_DAYS + 1), datetime.min.time())
    )
    rows = []
    planned = (
        movement_detail(movements.filter(status=MovementStatus.PLANNED))
        .annotate(departs_at=_first_departure())
        .filter(departs_at__lt=until)
        .order_by("departs_at", "pk")
    )
    for movement in planned:
        day = first_departure_day(movement)
        travellers = [
            traveller(ticket, day)
            for ticket in movement.tickets.all()
            if ticket.status == TicketStatus.BOOKED
        ]
        rows.append(
            BoardRow(
                movement=movement,
                departs_at=movement.departs_at,
                travellers=len(travellers),
                with_document=sum(item.document is not None for item in travellers),
                with_exit_authorisation=sum(item.has_exit_authorisation for item in travellers),
                ready=sum(item.is_ready for item in travellers),
            )
        )
    return rows


# What blocks a caseworker's cases -----------------------------------------------------


def cases_with_departure(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what the departure guards read, read once for the whole list."""
    return cases.prefetch_related(
        "declarations",
        Prefetch(
            "people",
            queryset=Person.objects.prefetch_related("vulnerabilities", "travel_documents"),
        ),
        Prefetch(
            "tickets",
            queryset=Ticket.objects.select_related(
                "movement", "exit_authorisation", "departure_check", "person"
            ).prefetch_related("movement__legs"),
        ),
    ).order_by("ready_on", "number")


@dataclass
class BlockedCase:
    case: Case
    missing: list[str]


def blocked_cases(cases: QuerySet[Case]) -> list[BlockedCase]:
    """Each `ready` case with what stops its departure now."""
    return [
        BlockedCase(case, missing_for(case, CaseStatus.DEPARTED))
        for case in cases_with_departure(cases)
    ]


# Expected arrivals --------------------------------------------------------------------


@dataclass
class Arrival:
    """Only what the mission needs: who, when, how, and their special needs."""

    case_number: str
    name: str
    sex: str
    age: int | None
    movement: str
    flight: str
    arrives_at: datetime | None
    arrival_time_zone: str
    special_needs: list[str]
    status: str

    @property
    def arrives_at_text(self) -> str:
        return _at(self.arrives_at, self.arrival_time_zone) if self.arrives_at else ""


def expected_arrivals(tickets: QuerySet[Ticket], *, limit: int | None = None) -> list[Arrival]:
    """The soonest first; at most `limit`."""
    rows = (
        tickets.select_related("person", "case", "movement")
        .prefetch_related("movement__legs")
        .annotate(first_departure=Min("movement__legs__departs_at"))
        .order_by("first_departure", "case__number", "person__pk")
    )[:limit]
    today = timezone.localdate()
    arrivals = []
    for ticket in rows:
        legs = sorted(ticket.movement.legs.all(), key=lambda leg: leg.order)
        last = legs[-1] if legs else None
        arrivals.append(
            Arrival(
                case_number=ticket.case.number,
                name=str(ticket.person),
                sex=ticket.person.get_sex_display(),
                age=ticket.person.age_on(today),
                movement=ticket.movement.reference,
                flight=" · ".join(f"{leg.carrier} {leg.number}" for leg in legs),
                arrives_at=(
                    last.arrives_at.astimezone(ZoneInfo(last.arrival_time_zone)) if last else None
                ),
                arrival_time_zone=last.arrival_time_zone if last else "",
                special_needs=special_need_labels(ticket),
                status=ticket.get_status_display(),
            )
        )
    return arrivals
