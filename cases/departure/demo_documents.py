"""Demo data of the departure phase: documents. The people of the demo offices' cases that
are ready to leave or wait for funds get a passport, or a laissez-passer request in each of
its states (some late enough for the follow-up list, one expired passport that blocks a
booking), written through `cases.departure.services.documents` by a member of the case's
office. Runs after the cases' and referrals' loaders; a second run creates nothing."""

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from avrr.models import User
from avrr.roles import Role
from cases.demo import DEMO_OFFICE_CODES
from cases.departure.models import Embassy, LpcRequest, LpcStatus, TravelDocument
from cases.departure.services import documents as services
from cases.models import Case, CaseStatus, Person

Scenario = Callable[[User, Person, Embassy | None, date], str]


def _passport(actor: User, person: Person, embassy: Embassy | None, today: date) -> str:
    services.passport_record(
        actor=actor,
        person=person,
        number=f"{person.nationality.code}{person.pk:07d}",
        issuing_country=person.nationality.code,
        issued_on=today - timedelta(days=900),
        expires_on=today + timedelta(days=900),
        copy_held=True,
    )
    return "passport"


def _expired_passport(actor: User, person: Person, embassy: Embassy | None, today: date) -> str:
    services.passport_record(
        actor=actor,
        person=person,
        number=f"{person.nationality.code}{person.pk:07d}",
        issuing_country=person.nationality.code,
        issued_on=today - timedelta(days=3700),
        expires_on=today - timedelta(days=20),
    )
    return "expired passport"


def _lpc(status: LpcStatus, days_ago: int) -> Scenario:
    """A request made `days_ago`, taken to `status`."""

    def write(actor: User, person: Person, embassy: Embassy | None, today: date) -> str:
        if embassy is None:
            return _passport(actor, person, embassy, today)
        request = services.lpc_request(
            actor=actor,
            person=person,
            embassy=embassy,
            requested_on=today - timedelta(days=days_ago),
        )
        if status == LpcStatus.INTERVIEW:
            services.lpc_schedule_interview(
                actor=actor, request=request, interview_on=today + timedelta(days=4)
            )
        elif status in (LpcStatus.ISSUED, LpcStatus.EXPIRED):
            issued_on = request.requested_on + timedelta(days=12)
            request = services.lpc_issue(
                actor=actor,
                request=request,
                number=f"LP-{person.nationality.code}-{person.pk:06d}",
                issued_on=issued_on,
                expires_on=issued_on + timedelta(days=90),
            )
            if status == LpcStatus.EXPIRED:
                services.lpc_expire(actor=actor, request=request)
        elif status == LpcStatus.REFUSED:
            services.lpc_refuse(
                actor=actor,
                request=request,
                reason="Identité non établie à l'entretien : acte de naissance demandé.",
            )
        return f"LPC {status.value}"

    return write


# In turn, person after person: every state of a request, late ones for the follow-up list.
SCENARIOS: tuple[Scenario, ...] = (
    _passport,
    _lpc(LpcStatus.REQUESTED, 25),
    _lpc(LpcStatus.INTERVIEW, 18),
    _lpc(LpcStatus.ISSUED, 40),
    _lpc(LpcStatus.REFUSED, 50),
    _lpc(LpcStatus.EXPIRED, 150),
    _expired_passport,
    _lpc(LpcStatus.REQUESTED, 5),
    _lpc(LpcStatus.REQUESTED, 60),
)


def _office_staff(case: Case) -> User | None:
    if case.assigned_to is not None and case.assigned_to.organisation_id == case.office_id:
        return case.assigned_to
    return (
        User.objects.filter(
            organisation_id=case.office_id,
            role__in=[Role.CASEWORKER, Role.SUPERVISOR],
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def load() -> str:
    cases = list(
        Case.objects.filter(
            office__code__in=DEMO_OFFICE_CODES,
            status__in=[CaseStatus.READY, CaseStatus.WAITING_FUNDS],
        )
        .select_related("assigned_to")
        .prefetch_related("people")
        .order_by("number")
    )
    people = [person for case in cases for person in case.people.all()]
    if not people:
        return "Demo travel documents: no demo case ready to leave, none created."
    if TravelDocument.objects.filter(person__in=people).exists() or (
        LpcRequest.objects.filter(person__in=people).exists()
    ):
        return "Demo travel documents: already there, none created."
    embassies = {
        str(embassy.country): embassy for embassy in Embassy.objects.filter(is_active=True)
    }
    today = timezone.localdate()
    made: Counter[str] = Counter()
    with transaction.atomic():
        index = 0
        for case in cases:
            actor = _office_staff(case)
            if actor is None:
                continue
            for person in case.people.all():
                scenario = SCENARIOS[index % len(SCENARIOS)]
                made[scenario(actor, person, embassies.get(str(person.nationality)), today)] += 1
                index += 1
    counts = ", ".join(f"{count} {what}" for what, count in sorted(made.items()))
    return f"Demo travel documents: {counts}."
