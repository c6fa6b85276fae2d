"""The API's own list filters; the case list uses `cases.selectors.CaseFilter`."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Assistance, AssistanceKind, Person


class IdFilter(django_filters.Filter):
    """An object's id. One the user cannot see just matches nothing."""

    field_class = forms.IntegerField


class PersonFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case", label=_("Dossier"))

    class Meta:
        model = Person
        fields = ["case"]


class AssistanceFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case", label=_("Dossier"))
    person = IdFilter(field_name="person", label=_("Personne"))
    kind = django_filters.ChoiceFilter(label=_("Type d'assistance"), choices=AssistanceKind.choices)
    given_after = django_filters.DateFilter(
        label=_("Donnée à partir du"), field_name="given_on", lookup_expr="gte"
    )
    given_before = django_filters.DateFilter(
        label=_("Donnée jusqu'au"), field_name="given_on", lookup_expr="lte"
    )

    class Meta:
        model = Assistance
        fields = ["case", "person", "kind", "given_after", "given_before"]
