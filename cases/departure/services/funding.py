"""Who pays the ticket. Each booking reserves one unit of an agreement's quota and its cost
of the budget; a cancelled or unused ticket gives them back. The agreement's row is locked
while its counters change, so that concurrent bookings of the last tickets never overspend:
one gets the ticket, the others a clear "no funds" answer (`NoFunds`).

Agreements and amendments are the supervisors' (`access.can_manage_funding`). When quota
arrives, nothing is booked by itself: the supervisor sees the waiting list, who is next, and
books in that order or says why not (`booking_order_problem`)."""

from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avrr import money
from avrr.errors import DomainError
from avrr.models import Organisation, User
from avrr.services import audit_record
from cases.departure import access
from cases.departure.models import (
    FundingAgreement,
    FundingAmendment,
    FundingCovers,
    FundingReservation,
)
from cases.departure.selectors.funding import agreements_that_can_fund, booking_ahead
from cases.models import Case, CaseStatus, Person
from cases.services import case_transition


class NoFunds(DomainError):
    """The agreement has no ticket left in its quota, or not enough budget."""

    code = "no_funds"
    http_status = 409


def agreement_problem(agreement: FundingAgreement, *, cost: Decimal, on: date) -> str:
    """Why the agreement cannot pay a ticket of `cost` now; empty when it can."""
    if agreement.ticket_quota is not None and agreement.tickets_reserved >= agreement.ticket_quota:
        return _("L'accord %(reference)s n'a plus de billet disponible.") % {
            "reference": agreement.reference
        }
    if agreement.budget is not None and agreement.budget_reserved + cost > agreement.budget:
        return _("Le budget restant de l'accord %(reference)s ne couvre pas ce billet.") % {
            "reference": agreement.reference
        }
    if on < agreement.valid_from:
        return _("L'accord %(reference)s ne prend effet que le %(date)s.") % {
            "reference": agreement.reference,
            "date": date_format(agreement.valid_from, "SHORT_DATE_FORMAT"),
        }
    if agreement.valid_until is not None and on > agreement.valid_until:
        return _("L'accord %(reference)s a pris fin le %(date)s.") % {
            "reference": agreement.reference,
            "date": date_format(agreement.valid_until, "SHORT_DATE_FORMAT"),
        }
    return ""


@transaction.atomic
def funding_reserve(
    *,
    actor: User,
    agreement: FundingAgreement,
    person: Person,
    cost: Decimal,
    currency: str,
    out_of_order_reason: str = "",
) -> FundingReservation:
    """Reserve one ticket of `agreement` for `person`, in the caller's transaction."""
    if currency != agreement.currency:
        raise ValidationError(
            _("Le billet doit être payé dans la devise de l'accord (%(currency)s).")
            % {"currency": agreement.currency}
        )
    locked = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    problem = agreement_problem(locked, cost=cost, on=timezone.localdate())
    if problem:
        raise NoFunds(problem)
    locked.tickets_reserved += 1
    locked.budget_reserved += cost
    locked.save(update_fields=["tickets_reserved", "budget_reserved"])
    reservation = FundingReservation.objects.create(
        agreement=locked,
        person=person,
        cost=cost,
        reserved_by=actor,
        out_of_order_reason=out_of_order_reason.strip(),
    )
    audit_record(
        actor=actor,
        action="funding.reserve",
        target=reservation,
        scope=person.case,
        changes={
            "agreement": locked.reference,
            "cost": str(cost),
            "currency": currency,
            "out_of_order_reason": reservation.out_of_order_reason,
        },
    )
    return reservation


@transaction.atomic
def funding_release(*, actor: User, reservation: FundingReservation, reason: str) -> None:
    """Give a ticket's unit and cost back to its agreement (cancelled, unused). Once."""
    reservation = FundingReservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.released_at is not None:
        return
    locked = FundingAgreement.objects.select_for_update().get(pk=reservation.agreement_id)
    locked.tickets_reserved -= 1
    locked.budget_reserved -= reservation.cost
    locked.save(update_fields=["tickets_reserved", "budget_reserved"])
    reservation.released_at = timezone.now()
    reservation.release_reason = reason.strip()[:200]
    reservation.save(update_fields=["released_at", "release_reason"])
    audit_record(
        actor=actor,
        action="funding.release",
        target=reservation,
        scope=reservation.person.case,
        changes={"agreement": locked.reference, "reason": reservation.release_reason},
    )


# Agreements and amendments ------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _currency_problem(currency: str, *, on: date) -> str:
    if not money.is_currency(currency, on=on):
        return _("« %(currency)s » n'est pas le code ISO 4217 d'une devise en usage (ex. MAD).") % {
            "currency": currency
        }
    return ""


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    funder: Organisation,
    reference: str,
    title: str,
    covers: str,
    currency: str,
    valid_from: date,
    ticket_quota: int | None = None,
    budget: Decimal | None = None,
    valid_until: date | None = None,
) -> FundingAgreement:
    """A new agreement: a ticket quota, a budget in `currency`, or both, for a period."""
    _require(access.can_manage_funding(actor))
    errors: dict[str, str] = {}
    if ticket_quota is None and budget is None:
        errors["ticket_quota"] = _("Indiquez un quota de billets, un budget, ou les deux.")
    if ticket_quota is not None and covers == FundingCovers.PER_DIEM:
        errors["ticket_quota"] = _(
            "Un accord qui ne prend en charge que le pécule n'a pas de quota de billets."
        )
    if problem := _currency_problem(currency, on=timezone.localdate()):
        errors["currency"] = problem
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = _("La fin de validité précède son début.")
    if errors:
        raise ValidationError(errors)
    agreement = FundingAgreement(
        funder=funder,
        reference=reference.strip(),
        title=title.strip(),
        covers=covers,
        ticket_quota=ticket_quota,
        budget=budget,
        currency=currency,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action="funding_agreement.create",
        target=agreement,
        changes={
            "reference": agreement.reference,
            "ticket_quota": ticket_quota,
            "budget": str(budget) if budget is not None else None,
            "currency": currency,
        },
    )
    return agreement


def _amendment_problems(
    locked: FundingAgreement,
    *,
    signed_on: date,
    added_tickets: int,
    added_budget: Decimal,
    currency: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if added_tickets < 0 or added_budget < 0:
        errors["added_tickets"] = _("Un avenant ajoute : les montants sont positifs.")
    elif not added_tickets and not added_budget:
        errors["added_tickets"] = _("Un avenant ajoute des billets, du budget, ou les deux.")
    if added_tickets and locked.ticket_quota is None:
        errors["added_tickets"] = _(
            "L'accord %(reference)s n'a pas de quota de billets : ajoutez du budget."
        ) % {"reference": locked.reference}
    if added_budget:
        if locked.budget is None:
            errors["added_budget"] = _(
                "L'accord %(reference)s n'a pas de budget : ajoutez des billets."
            ) % {"reference": locked.reference}
        elif currency != locked.currency:
            errors["currency"] = _(
                "Le budget de l'accord %(reference)s est en %(currency)s : l'avenant "
                "doit l'être aussi."
            ) % {"reference": locked.reference, "currency": locked.currency}
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("La date est dans le futur.")
    return errors


@transaction.atomic
def amendment_add(
    *,
    actor: User,
    agreement: FundingAgreement,
    reference: str,
    signed_on: date,
    added_tickets: int = 0,
    added_budget: Decimal = Decimal(0),
    currency: str = "",
) -> FundingAmendment:
    """Add quota or budget to an agreement on a date, under the lock of its row (bookings
    on it wait meanwhile). Budget comes in the agreement's currency, said again
    (`currency`), so that an amount in another currency is never added as it stands."""
    _require(access.can_manage_funding(actor))
    locked = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = _amendment_problems(
        locked,
        signed_on=signed_on,
        added_tickets=added_tickets,
        added_budget=added_budget,
        currency=currency,
    )
    if errors:
        raise ValidationError(errors)
    amendment = FundingAmendment(
        agreement=locked,
        reference=reference.strip(),
        signed_on=signed_on,
        added_tickets=added_tickets,
        added_budget=added_budget,
        recorded_by=actor,
    )
    amendment.full_clean()
    amendment.save()
    updated = []
    if added_tickets and locked.ticket_quota is not None:
        locked.ticket_quota += added_tickets
        updated.append("ticket_quota")
    if added_budget and locked.budget is not None:
        locked.budget += added_budget
        updated.append("budget")
    locked.save(update_fields=updated)
    audit_record(
        actor=actor,
        action="funding_amendment.add",
        target=amendment,
        scope=locked,
        changes={
            "agreement": locked.reference,
            "added_tickets": added_tickets,
            "added_budget": str(added_budget),
            "currency": locked.currency,
        },
    )
    return amendment


# The waiting list ---------------------------------------------------------------------


# Set while `case_wait_for_funds` moves a case, which has checked at the quoted fare that no
# agreement can pay: the guard below then lets the move through.
_fare_checked: ContextVar[bool] = ContextVar("fare_checked", default=False)

# Without a fare, what "something left" means: a cent of budget, a ticket of quota.
SOME_COST = Decimal("0.01")


def needs_no_agreement_able_to_pay(case: Case) -> str | None:
    """Guard of `waiting_funds`: a case waits for funds only when no agreement can pay its
    tickets. The waiting-list page and API check it at the fare quoted; a status change
    without a fare (the case page) only when no agreement has anything left."""
    if _fare_checked.get():
        return None
    people = case.people.count()
    able = agreements_that_can_fund(SOME_COST, None, timezone.localdate(), tickets=people)
    agreement = able.first()
    if agreement is None:
        return None
    return _(
        "L'accord %(reference)s peut encore payer des billets : réservez-les, ou mettez le "
        "dossier en attente depuis la liste d'attente, avec le coût des billets."
    ) % {"reference": agreement.reference}


@transaction.atomic
def case_wait_for_funds(*, actor: User, case: Case, ticket_cost: Decimal, currency: str) -> Case:
    """Put a `ready` case on the waiting list, when no agreement can pay its people's
    tickets at the fare quoted (`ticket_cost` each, in `currency`)."""
    _require(access.can_change_departure(actor, case))
    today = timezone.localdate()
    if problem := _currency_problem(currency, on=today):
        raise ValidationError({"currency": problem})
    if ticket_cost < 0:
        raise ValidationError({"ticket_cost": _("Le coût d'un billet est positif.")})
    people = case.people.count()
    can_fund = agreements_that_can_fund(ticket_cost, currency, today, tickets=people).first()
    if can_fund is not None:
        raise ValidationError(
            _(
                "L'accord %(reference)s peut financer les billets de ce dossier : "
                "réservez-les au lieu de le mettre en attente."
            )
            % {"reference": can_fund.reference}
        )
    reason = ngettext(
        "Aucun accord ne finance %(count)d billet à %(cost)s %(currency)s.",
        "Aucun accord ne finance %(count)d billets à %(cost)s %(currency)s.",
        people,
    ) % {"count": people, "cost": ticket_cost, "currency": currency}
    checked = _fare_checked.set(True)
    try:
        return case_transition(
            actor=actor, case=case, to_status=CaseStatus.WAITING_FUNDS, reason=reason
        )
    finally:
        _fare_checked.reset(checked)


@transaction.atomic
def case_funds_found(*, actor: User, case: Case) -> Case:
    """Funds arrived for a case on the waiting list: it is `ready` again, to be booked."""
    _require(access.can_change_departure(actor, case))
    if case.status != CaseStatus.WAITING_FUNDS:
        raise ValidationError(_("Ce dossier n'est pas sur la liste d'attente."))
    return case_transition(
        actor=actor, case=case, to_status=CaseStatus.READY, reason=_("Financement trouvé.")
    )


# Cases named when someone is ahead on the waiting list.
AHEAD_NAMED = 5


def booking_order_problem(case: Case) -> str:
    """Who waits for funds before `case` in its office's waiting list; empty when nobody
    does. Booking it anyway needs a reason (`funding_reserve(out_of_order_reason=...)`)."""
    ahead = booking_ahead(case)
    if not ahead:
        return ""
    numbers = ", ".join(other.number for other in ahead[:AHEAD_NAMED])
    if len(ahead) > AHEAD_NAMED:
        numbers += " …"
    return ngettext(
        "%(count)d dossier attend un financement avant celui-ci : %(numbers)s. "
        "Indiquez pourquoi ce dossier passe avant.",
        "%(count)d dossiers attendent un financement avant celui-ci : %(numbers)s. "
        "Indiquez pourquoi ce dossier passe avant.",
        len(ahead),
    ) % {"count": len(ahead), "numbers": numbers}
