"""Who pays the ticket. Each booking reserves one unit of an agreement's quota and its cost
of the budget; a cancelled or unused ticket gives them back. The agreement's row is locked
while its counters change, so that concurrent bookings of the last tickets never overspend:
one gets the ticket, the others a clear "no funds" answer (`NoFunds`)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avrr.errors import DomainError
from avrr.models import User
from avrr.services import audit_record
from cases.departure.models import FundingAgreement, FundingReservation
from cases.models import Person


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
        changes={"agreement": locked.reference, "cost": str(cost), "currency": currency},
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
