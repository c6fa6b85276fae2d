"""Reads of cases reused by the pages and the API. Access is applied by the caller."""

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from avrr.models import AuditEvent
from cases.models import (
    Assistance,
    Attachment,
    Case,
    CounsellingSession,
    Person,
    Relationship,
    ReturnDeclaration,
)


def case_list(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what a list row shows: principal applicant, household size, caseworker."""
    household_size = (
        Person.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(size=Count("pk"))
        .values("size")
    )
    return (
        cases.select_related("office", "assigned_to")
        .annotate(household_size=Subquery(household_size))
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(relationship=Relationship.PRINCIPAL),
                to_attr="principals",
            )
        )
    )


def case_detail(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Everything the case page shows, in a fixed number of queries."""
    return cases.select_related("office", "assigned_to", "referring_organisation").prefetch_related(
        Prefetch(
            "people",
            queryset=Person.objects.select_related("linked_person__case")
            .prefetch_related("vulnerabilities")
            .order_by("id"),
        ),
        Prefetch("assistance", queryset=Assistance.objects.select_related("person", "provider")),
        Prefetch(
            "counselling_sessions",
            queryset=CounsellingSession.objects.select_related("counsellor"),
        ),
        Prefetch(
            "declarations", queryset=ReturnDeclaration.objects.select_related("signatory", "scan")
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("person")),
    )


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    """The changes recorded on the case and everything in it, newest first."""
    return (
        AuditEvent.objects.filter(scope_type__model="case", scope_type__app_label="cases")
        .filter(scope_id=str(case.pk))
        .exclude(action="case.view")
        .select_related("actor")
    )


def caseload(cases: QuerySet[Case]) -> QuerySet[Any, Any]:
    """Open cases per caseworker and status."""
    return (
        cases.exclude(status__in=["closed", "withdrawn"])
        .values("assigned_to", "assigned_to__first_name", "assigned_to__last_name", "status")
        .annotate(count=Count("pk"))
        .order_by("assigned_to__last_name", "assigned_to__first_name", "status")
    )
