"""List filters shared by every app's pages and API."""

import re
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField


class _OutOfReach:
    """An id that names no record the user may choose."""


OUT_OF_REACH = _OutOfReach()
INTEGER = re.compile(r"\s*[+-]?\d+\s*")


class _ReachableChoiceField(ModelChoiceField):  # type: ignore[type-arg]
    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            if not INTEGER.fullmatch(str(value)):
                raise
            return OUT_OF_REACH


class ReachableChoiceFilter(django_filters.ModelChoiceFilter):
    """A record among those offered (an office, a caseworker, an NGO), by id.

    An id that is not among them, whether it exists or not, just matches nothing, as on a
    list the user may not see: both are answers, not mistakes. What is not an id at all is
    refused."""

    field_class = _ReachableChoiceField

    def filter(self, qs: QuerySet[Model], value: Any) -> QuerySet[Model]:
        if value is OUT_OF_REACH:
            return qs.none()
        return super().filter(qs, value)  # type: ignore[no-any-return]
