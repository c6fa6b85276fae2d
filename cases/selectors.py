"""Reads of cases reused by the pages and the API, and the case list's search, filters and
sorting (one FilterSet for both). The caller passes what the user may see
(`access.cases_for`); these shape it.
"""

import re
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from avrr.forms import FilterForm, country_choices
from avrr.models import AuditEvent, Organisation, User
from cases import access
from cases.models import (
    ENDED_STATUSES,
    PRE_DEPARTURE_STATUSES,
    Assistance,
    Attachment,
    Case,
    CaseStatus,
    CounsellingSession,
    Person,
    Relationship,
    ReturnDeclaration,
    Vulnerability,
    VulnerabilityCode,
)
from cases.names import name_tokens


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


def people_before_departure(people: QuerySet[Person]) -> QuerySet[Person]:
    """People whose case has not departed yet (a distribution day's list), by case."""
    return (
        people.filter(case__status__in=PRE_DEPARTURE_STATUSES)
        .select_related("case")
        .order_by("case__number", "id")
    )


def caseload(cases: QuerySet[Case]) -> QuerySet[Any, Any]:
    """Open cases per caseworker and status."""
    return (
        cases.exclude(status__in=ENDED_STATUSES)
        .values("assigned_to", "assigned_to__first_name", "assigned_to__last_name", "status")
        .annotate(count=Count("pk"))
        .order_by("assigned_to__last_name", "assigned_to__first_name", "status")
    )


# The case list's search, filters and sorting ------------------------------------------


def country_code_validator(value: str) -> None:
    if value not in countries:
        raise ValidationError(_("Pays inconnu : %(code)s.") % {"code": value})


CASE_NUMBER = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,12}-\d{4}-\d{1,6}$", re.IGNORECASE)


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("Nom, numéro de dossier ou de document")
    )
    # Status is a column of the case: no DISTINCT needed (it costs a sort of every column).
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=CaseStatus.choices, distinct=False
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Bureau"),
        queryset=Organisation.objects.none(),
        empty_label=_("Tous"),
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Agent·e"), queryset=User.objects.none(), empty_label=_("Tous")
    )
    mine = django_filters.BooleanFilter(label=_("Mes dossiers"), method="only_mine")
    nationality = django_filters.CharFilter(
        label=_("Nationalité"), method="with_nationality", validators=[country_code_validator]
    )
    vulnerability = django_filters.ChoiceFilter(
        label=_("Vulnérabilité"),
        choices=VulnerabilityCode.choices,
        method="with_vulnerability",
        empty_label=_("Toutes"),
    )
    registered_after = django_filters.DateFilter(
        label=_("Enregistré à partir du"), field_name="registered_on", lookup_expr="gte"
    )
    registered_before = django_filters.DateFilter(
        label=_("Enregistré jusqu'au"), field_name="registered_on", lookup_expr="lte"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Tri"),
        empty_label=_("Les plus récents"),
        fields=(("registered_on", "registered_on"), ("number", "number"), ("priority", "priority")),
        field_labels={
            "registered_on": _("Date d'enregistrement"),
            "number": _("Numéro"),
            "priority": _("Priorité"),
        },
    )

    class Meta:
        model = Case
        form = FilterForm
        fields = ["q", "status", "office", "assigned_to", "mine", "nationality", "vulnerability"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request is not None else AnonymousUser()
        self.filters["office"].queryset = access.offices_for(user)
        self.filters["assigned_to"].queryset = access.caseworkers_for(user)

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        if CASE_NUMBER.match(value):
            # "MA-RBA-2026-123" finds MA-RBA-2026-000123.
            prefix, sequence = value.upper().rsplit("-", 1)
            return queryset.filter(number=f"{prefix}-{int(sequence):06d}")
        document = "".join(value.split()).upper()
        by_name = Q()
        for token in name_tokens(value):
            by_name &= Q(name_key__contains=token)
        by_document = Q(id_document_number=document) | Q(travel_document_number=document)
        # One semi-join on people: PostgreSQL combines the document and trigram indexes in
        # one bitmap scan and estimates the few matches well.
        matches = Person.objects.filter(by_document | by_name if by_name else by_document)
        return queryset.filter(pk__in=matches.values("case_id"))

    @property
    def nationality_choices(self) -> list[tuple[str, str]]:
        """The countries to offer, named in the user's language."""
        return country_choices()

    def only_mine(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(assigned_to=self.request.user if self.request else None)

    def with_nationality(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if self.form.cleaned_data.get("vulnerability"):
            return queryset  # combined with the vulnerability, below
        return queryset.filter(pk__in=self._people_of(value).values("case_id"))

    def with_vulnerability(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        vulnerable = Vulnerability.objects.filter(code=value)
        nationality = self.form.cleaned_data.get("nationality")
        if nationality:
            # One chain of case ids, so PostgreSQL starts from their small intersection
            # rather than from every case of the office (docs/performance.md).
            vulnerable = vulnerable.filter(
                case_id__in=self._people_of(nationality).values("case_id")
            )
        return queryset.filter(pk__in=vulnerable.values("case_id"))

    @staticmethod
    def _people_of(nationality: str) -> QuerySet[Person]:
        return Person.objects.filter(nationality=nationality)
