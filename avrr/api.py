"""The API's own endpoint (who a key belongs to) and the plumbing every app's API shares."""

from typing import Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from avrr.errors import DomainError, EditConflict
from avrr.models import Organisation, User
from avrr.rules import request_user


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "country"]


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "language", "organisation"]


class CurrentUserView(APIView):
    """Who the credentials belong to: a quick check that a token works."""

    @extend_schema(
        responses=CurrentUserSerializer,
        summary=_("L'utilisateur authentifié"),
    )
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)  # type: ignore[arg-type]


# Plumbing shared by every app's API ---------------------------------------------------

_M = TypeVar("_M", bound=Model)


def schema_tag(name: Promise) -> str:
    """A tag translated when the schema is rendered, in the reader's language."""
    return cast(str, name)


def url_pk(value: str) -> int:
    """The id in the URL; anything else is a record that does not exist."""
    if not value.isdigit():
        raise Http404
    return int(value)


def require(allowed: bool) -> None:
    """Refuse early what the service would refuse, before reading the body."""
    if not allowed:
        raise PermissionDenied


def validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as DRF words it: messages per field, or under
    `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ServiceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[_M]):
    """A resource whose writes go through services: lists by `get_queryset`, its FilterSet
    and pagination; maps the services' errors onto HTTP.

    ValidationError → 400 with its messages; PermissionDenied → 403; a record that does
    not exist or may not be seen → the same 404; a DomainError → its status and code, and
    an EditConflict with the record as it now is (`conflict_representation`).
    """

    @property
    def actor(self) -> User:
        return request_user(self.request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DomainError):
            body: dict[str, Any] = {"detail": str(exc), "code": exc.code}
            if isinstance(exc, EditConflict):
                body["current"] = self.conflict_representation(exc.current)
            return Response(body, status=exc.http_status)
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(validation_detail(exc))
        elif isinstance(exc, Http404):
            # The same answer whether the record does not exist or may not be seen, and
            # without the model name that get_object_or_404 puts in its message.
            exc = exceptions.NotFound()
        return super().handle_exception(exc)

    def conflict_representation(self, current: Model) -> dict[str, Any]:
        raise NotImplementedError
