"""What the funding tests build on: agreements, and cases at the stage they need."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement, FundingCovers
from cases.models import Case, CaseStatus, Priority, Relationship
from cases.services import declaration_record
from tests.factories import child_data, pdf_upload, person_data, register_case


def agreement(funder: Organisation, **overrides: Any) -> FundingAgreement:
    values: dict[str, Any] = {
        "funder": funder,
        "reference": "MI-2026-01",
        "title": "Convention billets 2026",
        "covers": FundingCovers.TICKETS,
        "ticket_quota": 10,
        "budget": None,
        "currency": "MAD",
        "valid_from": timezone.localdate() - timedelta(days=365),
    }
    values.update(overrides)
    return FundingAgreement.objects.create(**values)


def staged_case(
    actor: User,
    status: CaseStatus,
    *,
    ready_on: date | None = None,
    priority: int = Priority.NORMAL,
    vulnerable: bool = False,
    children: int = 0,
    name: str = "Mariama",
) -> Case:
    """A case registered by `actor`, put straight at `status` (its earlier steps are the
    case core's, tested there)."""
    codes = ["medical_condition"] if vulnerable else []
    people = [person_data(given_name=name, vulnerabilities=codes, country_of_return="GN")]
    people += [
        child_data(given_name=f"Enfant {n}", country_of_return="GN") for n in range(children)
    ]
    case = register_case(actor, *people, priority=priority)
    Case.objects.filter(pk=case.pk).update(
        status=status, ready_on=ready_on or timezone.localdate() - timedelta(days=30)
    )
    case.refresh_from_db()
    return case


def sign_declaration(case: Case, actor: User) -> None:
    """The signed declaration that `ready` needs (MEDIA_ROOT set to a temporary folder)."""
    declaration_record(
        actor=actor,
        case=case,
        signatory=case.people.get(relationship=Relationship.PRINCIPAL),
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
    )


MAD = "MAD"
FARE = Decimal("2500.00")
