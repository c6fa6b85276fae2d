"""Additions to the OpenAPI schema: the error answers every operation may give, the
Api-Key security scheme, and named enums.

`AutoSchema` is REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS, which registers the extensions
below with drf-spectacular.
"""

import copy
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiResponse
from rest_framework import serializers

from avrr.api_keys import KEYWORD


class ErrorSerializer(serializers.Serializer[Any]):
    """What every refusal but a 400 answers: a message, and for the domain's own errors a
    stable code (avrr.errors)."""

    # Not read-only: drf-spectacular would mark `code` required, which DRF's own refusals
    # do not carry.
    detail = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text=_("Code stable de l'erreur, s'il y en a un.")
    )


RESPONSE_400 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "Données refusées : les messages par champ, ou sous « non_field_errors » pour "
        "l'ensemble (sous « detail » pour un corps illisible). Rien n'est enregistré."
    ),
)
RESPONSE_401 = OpenApiResponse(
    ErrorSerializer, description=_("Identifiants absents, inconnus ou révoqués.")
)
RESPONSE_403 = OpenApiResponse(
    ErrorSerializer, description=_("Cette action n'est pas permise à cet utilisateur.")
)
RESPONSE_404 = OpenApiResponse(
    ErrorSerializer,
    description=_("Inexistant, ou hors de portée de cet utilisateur (ou page inexistante)."),
)
RESPONSE_415 = OpenApiResponse(
    ErrorSerializer, description=_("Le corps doit être du JSON (application/json).")
)
RESPONSE_429 = OpenApiResponse(
    ErrorSerializer,
    description=_("Trop de requêtes : réessayez après le délai de l'en-tête Retry-After."),
)


def _shows_blank_choice(field: Any) -> bool:
    """A read-only choice field over a model field that may be blank.

    DRF drops `allow_blank` from read-only fields, so drf-spectacular would leave "" out of
    the enum that the field shows."""
    if not isinstance(field, serializers.ChoiceField) or field.allow_blank or not field.read_only:
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in (field.source or "."):
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return bool(model_field.blank)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors each operation can answer documented by
    default: an operation declares only its success and what is its own (a 409, a 422, a
    more precise description). Read-only choices that may be blank include "" in their
    enum."""

    def _map_serializer_field(
        self, field: Any, direction: Direction, bypass_extensions: bool = False
    ) -> Any:
        if direction == "response" and _shows_blank_choice(field):
            field = copy.copy(field)
            field.allow_blank = True
        return super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    response, code, direction=direction
                )
        return responses

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        # Every endpoint needs credentials, and refuses some users (or a session request
        # without its CSRF token).
        errors = {"401": RESPONSE_401, "403": RESPONSE_403}
        is_list = self.method == "GET" and self._is_list_view()
        reads_body = self.method in ("POST", "PUT", "PATCH") and (
            self.get_request_serializer() is not None
        )
        if reads_body or is_list:
            # A body, or a list's filters, that the serializer or the FilterSet refuses.
            errors["400"] = RESPONSE_400
        if reads_body:
            errors["415"] = RESPONSE_415
        if "{" in self.path or is_list:
            # A record out of reach, or a page past the last.
            errors["404"] = RESPONSE_404
        if self.view.get_throttles():
            errors["429"] = RESPONSE_429
        return errors


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`Authorization: Api-Key <key>`, as avrr.api_keys.ApiKeyAuthentication reads it."""

    target_class = "avrr.api_keys.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: openapi.AutoSchema) -> dict[str, Any]:
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

    def map_serializer_field(self, auto_schema: openapi.AutoSchema, direction: Direction) -> Any:
        field: NamedEnumField = self.target
        values = list(field.choices)
        lines = []
        for value, label in field.choices.items():
            meaning = field.meanings.get(value)
            line = f"* `{value}` : {label}"
            lines.append(f"{line} — {meaning}" if meaning else line)
        kind = "integer" if all(isinstance(value, int) for value in values) else "string"
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            schema={"type": kind, "enum": values, "description": "\n".join(lines)},
            object=field.enum_name,
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:
            # The blank choice is the field's, not the enum's: another field of the same
            # enum may not be left blank.
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        # A null the field allows is added by drf-spectacular (`nullable`).
        return component.ref
