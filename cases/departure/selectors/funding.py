"""Reads of the funding part: which agreements can pay a ticket, what each has left and at
what pace it is spent, and the waiting list.

The waiting list is the cases in `waiting_funds`: a case that is `ready` has not been found
unfundable (it may be waiting for its travel documents, not for money), so it is not on it.
A `ready` case booked while cases of its office wait for funds is booked out of order when
one of them ranks before it (`booking_ahead`). The order is per office, as bookings are:
each office books its own movements on the programme-wide agreements.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from cases import selectors as case_selectors
from cases.departure.models import (
    FundingAgreement,
    FundingAmendment,
    FundingCovers,
    FundingReservation,
    Ticket,
    TicketStatus,
)
from cases.models import Case, CaseStatus, Person, Priority, Vulnerability

# The pace of spending is read over this many days.
PACE_DAYS = 90
DAYS_PER_MONTH = Decimal("30.44")


def agreements_that_can_fund(
    cost: Decimal, currency: str | None, on: date, *, tickets: int = 1
) -> QuerySet[FundingAgreement]:
    """The agreements that pay tickets, valid on `on`, in `currency` (any, when None), with
    `tickets` tickets of `cost` each left in their quota and budget."""
    agreements = FundingAgreement.objects.all()
    if currency is not None:
        agreements = agreements.filter(currency=currency)
    return (
        agreements.filter(
            covers__in=[FundingCovers.TICKETS, FundingCovers.BOTH],
            valid_from__lte=on,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(Q(ticket_quota__isnull=True) | Q(ticket_quota__gte=F("tickets_reserved") + tickets))
        .filter(Q(budget__isnull=True) | Q(budget__gte=F("budget_reserved") + cost * tickets))
        .select_related("funder")
        .order_by("valid_until", "reference")
    )


def agreement_list(agreements: QuerySet[FundingAgreement]) -> QuerySet[FundingAgreement]:
    """Agreements with their funder and what is left (`tickets_left`, `budget_left`: None
    without a quota or budget), the latest first."""
    return (
        agreements.select_related("funder")
        .annotate(
            tickets_left=F("ticket_quota") - F("tickets_reserved"),
            budget_left=F("budget") - F("budget_reserved"),
        )
        .order_by("-valid_from", "reference")
    )


def amendments_of(agreement: FundingAgreement) -> QuerySet[FundingAmendment]:
    return agreement.amendments.select_related("recorded_by").order_by("signed_on", "pk")


# The waiting list ---------------------------------------------------------------------


def waiting_list(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases waiting for funds, in booking order: urgent first, then those with a
    vulnerable person, then the higher priority, then the earliest ready; each with its
    principal applicant and its size in people (`household_size`)."""
    return (
        case_selectors.case_list(cases.filter(status=CaseStatus.WAITING_FUNDS))
        .annotate(
            is_urgent=ExpressionWrapper(Q(priority=Priority.URGENT), output_field=BooleanField()),
            is_vulnerable=Exists(Vulnerability.objects.filter(case=OuterRef("pk"))),
        )
        .order_by(
            F("is_urgent").desc(),
            F("is_vulnerable").desc(),
            "-priority",
            F("ready_on").asc(nulls_last=True),
            "pk",
        )
    )


def waiting_people(cases: QuerySet[Case]) -> int:
    """How many people the cases waiting for funds hold."""
    return Person.objects.filter(
        case__in=cases.filter(status=CaseStatus.WAITING_FUNDS).values("pk")
    ).count()


def _order_key(case: Case, *, vulnerable: bool) -> tuple[bool, bool, int, date, int]:
    """Where a case stands in the waiting list's order; smaller comes first."""
    return (
        case.priority != Priority.URGENT,
        not vulnerable,
        -case.priority,
        case.ready_on or date.max,
        case.pk,
    )


def booking_ahead(case: Case) -> list[Case]:
    """The cases of `case`'s office waiting for funds that rank before it, in order, except
    those already holding a booked ticket."""
    vulnerable = Vulnerability.objects.filter(case=case).exists()
    key = _order_key(case, vulnerable=vulnerable)
    booked = Ticket.objects.filter(case=OuterRef("pk"), status=TicketStatus.BOOKED)
    candidates = (
        waiting_list(Case.objects.filter(office_id=case.office_id))
        .exclude(pk=case.pk)
        .exclude(Exists(booked))
    )
    return [
        other
        for other in candidates
        if _order_key(other, vulnerable=bool(getattr(other, "is_vulnerable", False))) < key
    ]


# The funds of an agreement ------------------------------------------------------------


@dataclass(frozen=True)
class AgreementFunds:
    """What an agreement has used, holds reserved and has left, and how fast it goes.

    Used is what the agreement has paid for good: its count less the reservations still
    pending (a ticket booked, not yet used), so that use recorded before the product (an
    old agreement's counters) counts as used.
    """

    tickets_used: int
    tickets_reserved: int
    tickets_left: int | None
    budget_used: Decimal
    budget_reserved: Decimal
    budget_left: Decimal | None
    # Reservations not given back, per day, over the last PACE_DAYS days.
    tickets_per_day: Decimal
    budget_per_day: Decimal
    runs_out_on: date | None
    waiting_people: int
    months_to_clear: Decimal | None

    @property
    def tickets_per_month(self) -> Decimal:
        return (self.tickets_per_day * DAYS_PER_MONTH).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _days_left(left: Decimal, per_day: Decimal) -> int | None:
    if per_day <= 0:
        return None
    return int(left / per_day)


def agreement_funds(
    agreement: FundingAgreement, *, today: date, waiting_cases: QuerySet[Case]
) -> AgreementFunds:
    """The funds page's figures of `agreement`, in a fixed number of queries. The waiting
    list's size is that of `waiting_cases` (all offices: the money is programme-wide)."""
    live = FundingReservation.objects.filter(agreement=agreement, released_at__isnull=True)
    pending = live.exclude(ticket__status=TicketStatus.USED).aggregate(
        count=Count("pk"), cost=Sum("cost")
    )
    since = timezone.now() - timedelta(days=PACE_DAYS)
    recent = live.filter(reserved_at__gte=since).aggregate(count=Count("pk"), cost=Sum("cost"))
    tickets_reserved = pending["count"]
    budget_reserved = pending["cost"] or Decimal(0)
    tickets_left = (
        agreement.ticket_quota - agreement.tickets_reserved
        if agreement.ticket_quota is not None
        else None
    )
    budget_left = (
        agreement.budget - agreement.budget_reserved if agreement.budget is not None else None
    )
    tickets_per_day = Decimal(recent["count"]) / PACE_DAYS
    budget_per_day = (recent["cost"] or Decimal(0)) / PACE_DAYS
    days = [
        days
        for days in (
            _days_left(Decimal(tickets_left), tickets_per_day)
            if tickets_left is not None
            else None,
            _days_left(budget_left, budget_per_day) if budget_left is not None else None,
        )
        if days is not None
    ]
    runs_out_on = today + timedelta(days=min(days)) if days else None
    people = waiting_people(waiting_cases)
    months_to_clear = (
        (Decimal(people) / (tickets_per_day * DAYS_PER_MONTH)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if tickets_per_day > 0
        else None
    )
    return AgreementFunds(
        tickets_used=agreement.tickets_reserved - tickets_reserved,
        tickets_reserved=tickets_reserved,
        tickets_left=tickets_left,
        budget_used=agreement.budget_reserved - budget_reserved,
        budget_reserved=budget_reserved,
        budget_left=budget_left,
        tickets_per_day=tickets_per_day,
        budget_per_day=budget_per_day,
        runs_out_on=runs_out_on,
        waiting_people=people,
        months_to_clear=months_to_clear,
    )


# An agreement is nearly spent when a tenth of its quota or budget is left, or less.
NEARLY_EXHAUSTED_DIVISOR = 10


def nearly_exhausted(
    agreements: QuerySet[FundingAgreement], *, on: date
) -> QuerySet[FundingAgreement]:
    """The agreements still valid on `on` with a tenth of their quota or budget left, or
    less (but not nothing: those are spent)."""
    return (
        agreement_list(agreements)
        .filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(
            Q(
                ticket_quota__isnull=False,
                tickets_left__gt=0,
                tickets_left__lte=F("ticket_quota") / NEARLY_EXHAUSTED_DIVISOR,
            )
            | Q(
                budget__isnull=False,
                budget_left__gt=0,
                budget_left__lte=F("budget") / NEARLY_EXHAUSTED_DIVISOR,
            )
        )
    )
