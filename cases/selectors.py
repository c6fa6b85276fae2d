"""Reads of cases reused by the pages and the API, and the case list's search, filters and
sorting (one FilterSet for both). The caller passes what the user may see
(`access.cases_for`); these shape it.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.fields import MultipleChoiceField
from drf_spectacular.utils import extend_schema_field

from avrr.filters import ReachableChoiceFilter
from avrr.forms import CountryGroups, DateInput, FilterForm, country_groups
from avrr.models import AuditEvent, Organisation, User
from cases import access
from cases.api.fields import CountryCodeField
from cases.models import (
    ENDED_STATUSES,
    PRE_DEPARTURE_STATUSES,
    Assistance,
    Attachment,
    Case,
    CaseStatus,
    CounsellingSession,
    DuplicateLinkRequest,
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
            queryset=Person.objects.select_related("linked_person__case__office")
            .prefetch_related(
                "vulnerabilities",
                Prefetch(
                    "link_requests",
                    queryset=DuplicateLinkRequest.objects.select_related(
                        "known_person__case__office"
                    ),
                ),
            )
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


# Duplicates -------------------------------------------------------------------------


def identity_condition(person: Person) -> Q:
    """Who may be this person: the same document number, or the same names (any order,
    accents, case) and nationality, and birth year when known. Empty when too little of
    them is known to look."""
    same_document = Q()
    for number in {person.id_document_number, person.travel_document_number} - {""}:
        same_document |= Q(id_document_number=number) | Q(travel_document_number=number)
    same_identity = Q()
    if person.name_key and person.nationality:
        same_identity = Q(name_key=person.name_key, nationality=person.nationality)
        if person.birth_date is not None:
            same_identity &= Q(birth_date__year=person.birth_date.year)
    return same_document | same_identity


def duplicate_candidates(person: Person) -> QuerySet[Person]:
    """Known people in other cases who may be this person, in any office. The caller
    decides what the user may be told of them."""
    condition = identity_condition(person)
    if not condition:
        return Person.objects.none()
    return (
        Person.objects.filter(condition)
        .exclude(case_id=person.case_id)
        .select_related("case__office")
        .order_by("-case__registered_on", "-pk")
    )


@dataclass(frozen=True)
class DuplicateMatches:
    """Who may be this person: those in cases the user may see, in full; of the others only
    the offices that hold them, since the user may not see their cases."""

    visible: list[Person]
    other_offices: list[str]

    def __bool__(self) -> bool:
        return bool(self.visible or self.other_offices)


MATCHES_SHOWN = 10


def duplicate_matches(person: Person, *, visible_cases: QuerySet[Case]) -> DuplicateMatches:
    candidates = list(duplicate_candidates(person)[: MATCHES_SHOWN * 2])
    case_ids = {candidate.case_id for candidate in candidates}
    seen = set(visible_cases.filter(pk__in=case_ids).values_list("pk", flat=True))
    return DuplicateMatches(
        visible=[c for c in candidates if c.case_id in seen][:MATCHES_SHOWN],
        other_offices=sorted({c.case.office.name for c in candidates if c.case_id not in seen}),
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
        # The value goes in `params`, never into the message itself: the message is a
        # %-format that django-filter, like Django, fills in with `params`.
        raise ValidationError(_("Pays inconnu : %(code)s."), params={"code": value})


CASE_NUMBER = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,12}-\d{4}-\d{1,6}$", re.IGNORECASE)


class _AnyOfField(MultipleChoiceField):
    def to_python(self, value: Any) -> list[str]:
        # An empty value is the list's "Tous" option (`?status=`): no choice made, not a
        # wrong one.
        return [choice for choice in super().to_python(value) if choice]


class AnyOfFilter(django_filters.MultipleChoiceFilter):
    """Several choices, any of which matches; an empty one means "any"."""

    field_class = _AnyOfField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("Nom, numéro de dossier ou de document")
    )
    # Status is a column of the case: no DISTINCT needed (it costs a sort of every column).
    status = AnyOfFilter(label=_("Statut"), choices=CaseStatus.choices, distinct=False)
    office = ReachableChoiceFilter(
        label=_("Bureau"),
        queryset=Organisation.objects.none(),
        empty_label=_("Tous"),
    )
    assigned_to = ReachableChoiceFilter(
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
        label=_("Enregistré à partir du"),
        field_name="registered_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    registered_before = django_filters.DateFilter(
        label=_("Enregistré jusqu'au"),
        field_name="registered_on",
        lookup_expr="lte",
        widget=DateInput(),
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
        # Filters that mean nothing to the user are not offered, and ignored by the API.
        if access.can_filter_by_office(user):
            self.filters["office"].queryset = access.offices_for(user)
        else:
            del self.filters["office"]
        if access.can_filter_by_caseworker(user):
            self.filters["assigned_to"].queryset = access.caseworkers_for(user)
        else:
            del self.filters["assigned_to"]
        if not access.can_filter_own_cases(user):
            del self.filters["mine"]

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
    def nationality_choices(self) -> CountryGroups:
        """The countries to offer, named in the user's language, main nationalities first."""
        return country_groups()

    def only_mine(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(assigned_to=self.request.user if self.request else None)

    # The schema offers the codes the filter accepts, as it does for a person's nationality.
    @extend_schema_field(CountryCodeField)
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


# The home pages' work lists -----------------------------------------------------------


@dataclass(frozen=True)
class OverdueRule:
    """A case still in `status` more than `days` days after its `since` date has an overdue
    step; without a `since` date, from its first day in the status."""

    status: CaseStatus
    days: int = 0
    since: str | None = None


# The one place the home pages' overdue thresholds are set.
OVERDUE_RULES = (
    OverdueRule(CaseStatus.REGISTERED, days=7, since="registered_on"),
    OverdueRule(CaseStatus.READY, days=14, since="ready_on"),
    # Nothing records when the money ran out; such a case stays stuck until someone finds it.
    OverdueRule(CaseStatus.WAITING_FUNDS),
)


def overdue_condition(today: date) -> Q:
    """Cases with an overdue step on `today`, by the OVERDUE_RULES."""
    condition = Q()
    for rule in OVERDUE_RULES:
        in_status = Q(status=rule.status)
        if rule.since is not None:
            in_status &= Q(**{f"{rule.since}__lt": today - timedelta(days=rule.days)})
        condition |= in_status
    return condition


def worklist(cases: QuerySet[Case], *, assignee: User, today: date) -> QuerySet[Case]:
    """The cases assigned to `assignee` that wait on them (not departed yet), as list rows,
    with `overdue` annotated: overdue first, then the most urgent, then the oldest."""
    waiting = cases.filter(assigned_to=assignee, status__in=PRE_DEPARTURE_STATUSES)
    return (
        case_list(waiting)
        .annotate(overdue=overdue_condition(today))
        .order_by("-overdue", "-priority", "registered_on", "pk")
    )


def overdue_cases(cases: QuerySet[Case], *, today: date) -> QuerySet[Case]:
    """The cases with an overdue step, as list rows: the most urgent, then the oldest first."""
    return case_list(cases.filter(overdue_condition(today))).order_by(
        "-priority", "registered_on", "pk"
    )


def team_workload(cases: QuerySet[Case], *, today: date) -> QuerySet[Any, Any]:
    """Open cases, and those with an overdue step, per caseworker (None: not assigned)."""
    return (
        cases.exclude(status__in=ENDED_STATUSES)
        .values(
            "assigned_to",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__username",
        )
        .annotate(
            open_count=Count("pk"), overdue_count=Count("pk", filter=overdue_condition(today))
        )
        .order_by("assigned_to__last_name", "assigned_to__first_name", "assigned_to")
    )
