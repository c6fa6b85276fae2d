"""The serializer fields the API shares: country codes, office staff, organisations."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from avrr.models import Organisation, User
from avrr.rules import AnyUser
from cases import access


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Z]{2}$",
        "description": _("Code pays ISO 3166-1 alpha-2 (ex. GN)."),
    }
)
class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 country code, accepted in any case.

    Described as a plain string in the schema: an enum of every country, repeated under
    several field names, would only weigh down the schema.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[code for code, _name in countries], **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(str(data).strip().upper()))

    def to_representation(self, value: Any) -> str:
        return str(value) if value else ""


class OfficeStaffField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A caseworker or supervisor (user id) among the staff the requesting user works with."""

    def __init__(self, **kwargs: Any) -> None:
        # The queryset only tells the schema the type; the choices depend on the user.
        super().__init__(queryset=User.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[User]:
        request = self.context.get("request")
        user: AnyUser = request.user if request is not None else AnonymousUser()
        return access.caseworkers_for(user)


def organisation_field(**kwargs: Any) -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    """An organisation given and shown by its code (e.g. NGO1)."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(is_active=True), **kwargs
    )
