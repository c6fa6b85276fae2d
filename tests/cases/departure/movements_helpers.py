"""Records the movement tests start from, made through the services (funding agreements
and travel documents directly, as the documents and funding parts' own tests do)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement, FundingCovers, Movement, TravelDocument
from cases.departure.services.movements import LegData, leg_add, movement_create
from cases.models import Case, CaseStatus, Person
from cases.services import PersonData, case_transition, declaration_record
from tests.factories import OrganisationFactory, pdf_upload, person_data, register_case

CASABLANCA = ZoneInfo("Africa/Casablanca")
CONAKRY = ZoneInfo("Africa/Conakry")


def ready_case(actor: User, *people: PersonData) -> Case:
    """A case whose declaration is signed, moved to `ready` (MEDIA_ROOT must be a tmp dir)."""
    return make_ready(actor, register_case(actor, *(people or [person_data()])))


def make_ready(actor: User, case: Case) -> Case:
    """The registered case assisted, its declaration signed, and `ready`."""
    case = case_transition(actor=actor, case=case, to_status=CaseStatus.ASSISTING)
    principal = case.people.get(relationship="principal")
    declaration_record(
        actor=actor,
        case=case,
        signatory=principal,
        signed_on=timezone.localdate(),
        scan=pdf_upload(),
    )
    return case_transition(actor=actor, case=case, to_status=CaseStatus.READY)


def agreement_with(
    quota: int | None = 10, *, budget: Decimal | None = None, currency: str = "EUR"
) -> FundingAgreement:
    funder = Organisation.objects.filter(code="MIF").first() or OrganisationFactory.create(
        name="Ministère de l'Intérieur (financement)",
        code="MIF",
        kind=Organisation.Kind.GOVERNMENT,
    )
    return FundingAgreement.objects.create(
        funder=funder,
        reference=f"CONV-{FundingAgreement.objects.count() + 1:03d}",
        title="Billets retour",
        covers=FundingCovers.TICKETS,
        ticket_quota=quota,
        budget=budget,
        currency=currency,
        valid_from=date(2020, 1, 1),
    )


def passport(person: Person, actor: User, *, expires_on: date | None = None) -> TravelDocument:
    return TravelDocument.objects.create(
        person=person,
        kind="passport",
        number=f"P{person.pk:07d}",
        issuing_country=person.nationality,
        expires_on=expires_on or timezone.localdate() + timedelta(days=365),
        recorded_by=actor,
    )


def passports(case: Case, actor: User) -> None:
    for person in case.people.all():
        passport(person, actor)


def flight(actor: User, *, day: date | None = None, destination: str = "GN") -> Movement:
    """A movement with one flight, Casablanca 08:00 → Conakry 11:30 on `day` (today)."""
    day = day or timezone.localdate()
    movement = movement_create(actor=actor, mode="air", destination_country=destination)
    leg_add(
        actor=actor,
        movement=movement,
        data=LegData(
            origin="Casablanca (CMN)",
            destination="Conakry (CKY)",
            carrier="Royal Air Maroc",
            number="AT517",
            departs_at=datetime.combine(day, time(8, 0), CASABLANCA),
            departure_time_zone="Africa/Casablanca",
            arrives_at=datetime.combine(day, time(11, 30), CONAKRY),
            arrival_time_zone="Africa/Conakry",
        ),
    )
    return movement
