"""Reads of travel documents and laissez-passer requests, for the pages and the API. Callers
pass what the user may see (`cases.departure.access`)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.api.filters import IdFilter
from cases.departure.models import Embassy, LpcRequest, LpcStatus, TravelDocument
from cases.departure.services.documents import OPEN_LPC_STATUSES
from cases.models import PRE_DEPARTURE_STATUSES, Case, Person


class TravelDocumentFilter(django_filters.FilterSet):
    case = IdFilter(field_name="person__case", label=_("Dossier"))
    person = IdFilter(field_name="person", label=_("Personne"))

    class Meta:
        model = TravelDocument
        fields = ["case", "person"]


class LpcRequestFilter(django_filters.FilterSet):
    case = IdFilter(field_name="person__case", label=_("Dossier"))
    person = IdFilter(field_name="person", label=_("Personne"))
    status = django_filters.ChoiceFilter(choices=LpcStatus.choices, label=_("Statut"))

    class Meta:
        model = LpcRequest
        fields = ["case", "person", "status"]


def travel_document_list(documents: QuerySet[TravelDocument]) -> QuerySet[TravelDocument]:
    return documents.select_related("person").order_by("person__case", "person", "-expires_on")


def lpc_request_list(requests: QuerySet[LpcRequest]) -> QuerySet[LpcRequest]:
    return requests.select_related("person", "embassy", "document").order_by(
        "person__case", "person", "requested_on", "pk"
    )


# The case page's section --------------------------------------------------------------


@dataclass
class PersonDocuments:
    person: Person
    documents: list[TravelDocument] = field(default_factory=list)
    requests: list[LpcRequest] = field(default_factory=list)
    valid_document: TravelDocument | None = None


def documents_by_person(people: list[Person], *, on: date) -> list[PersonDocuments]:
    """Each person's travel documents (the valid one on `on` picked out) and laissez-passer
    requests, in two queries whatever their number."""
    rows = {person.pk: PersonDocuments(person) for person in people}
    for document in TravelDocument.objects.filter(person__in=rows).order_by("-expires_on", "-pk"):
        row = rows[document.person_id]
        row.documents.append(document)
        if row.valid_document is None and document.expires_on >= on:
            row.valid_document = document
    requests = LpcRequest.objects.filter(person__in=rows).select_related("embassy", "document")
    for request in requests.order_by("requested_on", "pk"):
        rows[request.person_id].requests.append(request)
    return list(rows.values())


# The request letter -------------------------------------------------------------------


def letter_candidates(cases: QuerySet[Case], embassy: Embassy, *, on: date) -> QuerySet[Case]:
    """The cases before departure with someone of the embassy's nationality who waits for a
    laissez-passer from it, or has no travel document valid on `on`."""
    waiting = LpcRequest.objects.filter(
        person=OuterRef("pk"), embassy=embassy, status__in=OPEN_LPC_STATUSES
    )
    valid = TravelDocument.objects.filter(person=OuterRef("pk"), expires_on__gte=on)
    concerned = Person.objects.filter(nationality=embassy.country).filter(
        Exists(waiting) | ~Exists(valid)
    )
    return (
        cases.filter(status__in=PRE_DEPARTURE_STATUSES, pk__in=concerned.values("case"))
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(nationality=embassy.country).order_by("pk"),
                to_attr="concerned",
            )
        )
        .order_by("number")
    )


# The follow-up list -------------------------------------------------------------------


@dataclass
class EmbassyFollowUp:
    embassy: Embassy
    requests: list[LpcRequest]


def follow_up_days() -> int:
    return int(settings.LPC_FOLLOW_UP_DAYS)


def lpc_follow_up(requests: QuerySet[LpcRequest], *, today: date) -> list[EmbassyFollowUp]:
    """The requests the embassy has not answered `LPC_FOLLOW_UP_DAYS` after they were made,
    per embassy, oldest first; the embassy waited on longest comes first. One query."""
    before = today - timedelta(days=follow_up_days())
    late = (
        requests.filter(status__in=OPEN_LPC_STATUSES, requested_on__lte=before)
        .select_related("embassy", "person__case")
        .order_by("requested_on", "pk")
    )
    groups: dict[int, EmbassyFollowUp] = {}
    for request in late:
        request.days_waiting = (today - request.requested_on).days  # type: ignore[attr-defined]
        groups.setdefault(request.embassy_id, EmbassyFollowUp(request.embassy, [])).requests.append(
            request
        )
    return list(groups.values())
