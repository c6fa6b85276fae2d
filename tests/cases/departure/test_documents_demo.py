"""The demo's travel documents: passports and laissez-passer requests in every state for the
people of the demo offices' cases ready to leave, through the services, once."""

from collections import Counter

from django.utils import timezone

from avrr.demo import demo_seed
from avrr.models import AuditEvent, User
from cases.departure import demo_documents
from cases.departure.models import LpcRequest, LpcStatus, TravelDocument
from cases.models import Case, CaseStatus
from tests.factories import child_data, person_data, register_case


def test_the_demo_has_requests_in_every_state_and_passports(db: None) -> None:
    demo_seed()
    caseworker = User.objects.get(username="agent.rabat")
    nationalities = ["GN", "CI", "SN", "NG", "ML", "CM"]
    for index, nationality in enumerate(nationalities):
        register_case(
            caseworker,
            person_data(given_name=f"Adulte{index}", nationality=nationality),
            child_data(given_name=f"Enfant{index}", nationality=nationality),
        )
    register_case(caseworker, person_data(given_name="Enregistree"))  # not ready: left alone
    cases = Case.objects.exclude(people__given_name="Enregistree")
    Case.objects.filter(pk__in=cases.values("pk")[:4]).update(status=CaseStatus.READY)
    Case.objects.filter(pk__in=cases.values("pk")[4:]).update(status=CaseStatus.WAITING_FUNDS)

    summary = demo_documents.load()

    assert summary.startswith("Demo travel documents: ")
    assert set(Counter(request.status for request in LpcRequest.objects.all())) == set(
        LpcStatus.values
    )
    passports = TravelDocument.objects.filter(kind="passport")
    assert passports.filter(expires_on__gte=timezone.localdate()).exists()
    assert passports.filter(expires_on__lt=timezone.localdate()).exists()  # blocks a booking
    assert not TravelDocument.objects.filter(person__given_name="Enregistree").exists()
    assert AuditEvent.objects.filter(action="lpc.request").count() == LpcRequest.objects.count()
    assert demo_documents.load() == "Demo travel documents: already there, none created."
