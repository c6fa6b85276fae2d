"""Demo data of the departure phase: funding. The programme's history (the 2007 memorandum
and its amendments for 1,000, 1,500 and 3,000 tickets, all used by 2018), the Ministry of
the Interior's current agreement nearly spent, and an IOM project paying in US dollars.
The demo's cases waiting for funds (from the case demo) form the waiting list.

Use before the product is recorded as the agreements' counts: it is shown as used."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement, FundingCovers
from cases.departure.services.funding import agreement_create, amendment_add
from cases.models import Case, CaseStatus, Person

MEMORANDUM = "MI-OIM-2007"
MEMORANDUM_AMENDMENTS = (
    ("MI-OIM-2007/A1", date(2014, 3, 12), 1000),
    ("MI-OIM-2007/A2", date(2015, 4, 20), 1500),
    ("MI-OIM-2007/A3", date(2016, 5, 9), 3000),
)
CURRENT = "MI-RVA-2025"
CURRENT_QUOTA, CURRENT_USED = 400, 360
PROJECT = "OIM-RVA-USD-01"
DEMO_SUPERVISOR = "superviseur.rabat"


def load() -> str:
    organisations = Organisation.objects.filter(code__in=["MI", "RBA"]).in_bulk(field_name="code")
    supervisor = User.objects.filter(username=DEMO_SUPERVISOR).first()
    if len(organisations) < 2 or supervisor is None:
        return "Demo funding: demo organisations or supervisor missing, nothing created."
    if FundingAgreement.objects.filter(reference=MEMORANDUM).exists():
        return "Demo funding: agreements already there, none created."
    today = timezone.localdate()
    ministry, iom = organisations["MI"], organisations["RBA"]
    with transaction.atomic():
        memorandum = agreement_create(
            actor=supervisor,
            funder=ministry,
            reference=MEMORANDUM,
            title="Mémorandum d'entente de 2007 : billets de retour (quota fixé par ses avenants)",
            covers=FundingCovers.TICKETS,
            currency="MAD",
            valid_from=date(2007, 6, 1),
            valid_until=date(2018, 12, 31),
            ticket_quota=0,
        )
        for reference, signed_on, tickets in MEMORANDUM_AMENDMENTS:
            amendment_add(
                actor=supervisor,
                agreement=memorandum,
                reference=reference,
                signed_on=signed_on,
                added_tickets=tickets,
            )
        used = sum(tickets for _, _, tickets in MEMORANDUM_AMENDMENTS)
        FundingAgreement.objects.filter(pk=memorandum.pk).update(tickets_reserved=used)
        current = agreement_create(
            actor=supervisor,
            funder=ministry,
            reference=CURRENT,
            title="Convention RVA 2025-2026 : billets et pécule",
            covers=FundingCovers.BOTH,
            currency="MAD",
            valid_from=today - timedelta(days=300),
            valid_until=today + timedelta(days=180),
            ticket_quota=CURRENT_QUOTA,
        )
        FundingAgreement.objects.filter(pk=current.pk).update(tickets_reserved=CURRENT_USED)
        agreement_create(
            actor=supervisor,
            funder=iom,
            reference=PROJECT,
            title="Projet OIM de retour et de réintégration : billets",
            covers=FundingCovers.TICKETS,
            currency="USD",
            valid_from=today - timedelta(days=120),
            valid_until=today + timedelta(days=245),
            budget=Decimal("150000.00"),
        )
    waiting = Case.objects.filter(status=CaseStatus.WAITING_FUNDS)
    people = Person.objects.filter(case__in=waiting).count()
    return (
        f"Demo funding: 3 agreements ({MEMORANDUM} with 3 amendments, {used} tickets, all "
        f"used; {CURRENT} with {CURRENT_QUOTA - CURRENT_USED} tickets left; {PROJECT} in "
        f"USD), a waiting list of {waiting.count()} cases, {people} people."
    )
