from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from avrr.models import Organisation, User


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
