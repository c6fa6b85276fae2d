"""Additions to the OpenAPI schema: the Api-Key security scheme, and named enums.

Imported by the API modules that need it, which registers the extensions with
drf-spectacular.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import Direction
from rest_framework import serializers

from avrr.api_keys import KEYWORD

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`Authorization: Api-Key <key>`, as avrr.api_keys.ApiKeyAuthentication reads it."""

    target_class = "avrr.api_keys.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": gettext(
                "Clé d'API de l'organisation, donnée une seule fois à sa création par "
                "l'administration de la plateforme. Envoyez-la dans l'en-tête "
                "« Authorization: %(keyword)s <clé> ». La requête agit alors au nom de "
                "l'organisation : une clé inconnue ou révoquée est refusée (401)."
            )
            % {"keyword": KEYWORD},
        }


class NamedEnumField(serializers.ChoiceField):
    """A choice field described in the schema as its own named enum, value by value.

    drf-spectacular names an enum after the field that uses it, so two choice sets under
    one field name (the `status` of a case and of a referral) would collide, and one
    choice set under two names would be reported twice. A named component avoids both, and
    carries what each value means.
    """

    def __init__(
        self,
        *,
        enum_name: str,
        meanings: Mapping[Any, Promise | str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.enum_name = enum_name
        self.meanings = dict(meanings or {})
        super().__init__(**kwargs)


class NamedEnumFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = NamedEnumField
    match_subclasses = True

    def get_name(self) -> str | None:
        field: NamedEnumField = self.target
        return field.enum_name

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Direction) -> Any:
        field: NamedEnumField = self.target
        values = list(field.choices)
        lines = []
        for value, label in field.choices.items():
            meaning = field.meanings.get(value)
            line = f"* `{value}` : {label}"
            lines.append(f"{line} — {meaning}" if meaning else line)
        kind = "integer" if all(isinstance(value, int) for value in values) else "string"
        return {"type": kind, "enum": values, "description": "\n".join(lines)}
