"""The serializer fields the API shares: country codes, office staff, organisations."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django_countries import countries
from rest_framework import serializers

from avrr.models import Organisation, User
from avrr.rules import AnyUser
from avrr.schema import NamedEnumField
from cases import access


class CountryCodeField(NamedEnumField):
    """An ISO 3166-1 alpha-2 country code among those the deployment offers (django-countries
    without settings.COUNTRIES_EXCLUDED), accepted in any case.

    One named enum in the schema (`CountryCodeEnum`), whatever the field's name: a code outside
    it, such as "AA" or an excluded country, is refused.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            enum_name="CountryCodeEnum",
            choices=[(code, str(name)) for code, name in countries],
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(str(data).strip().upper()))

    def to_representation(self, value: Any) -> str:
        return str(value)


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
