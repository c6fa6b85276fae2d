"""/api/v1/assistance/: list the assistance given and record more."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from avrr.api import ServiceViewSet, require, schema_tag
from cases import access, services
from cases.api.filters import AssistanceFilter
from cases.api.responses import RESPONSE_404_PERSON
from cases.api.serializers import AssistanceSerializer
from cases.models import Assistance


@extend_schema(tags=[schema_tag(_("Assistance"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste de l'assistance donnée"),
        description=_(
            "L'assistance donnée aux personnes des dossiers que l'utilisateur peut voir, "
            "filtrable par dossier, personne, type et période."
        ),
        responses={200: AssistanceSerializer(many=True)},
    )
)
class AssistanceViewSet(ServiceViewSet[Assistance]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssistanceFilter
    serializer_class = AssistanceSerializer

    def get_queryset(self) -> QuerySet[Assistance]:
        return access.assistance_for(self.request.user).select_related("provider")

    @extend_schema(
        summary=_("Enregistrer une assistance"),
        description=_(
            "Enregistre une assistance donnée à une personne d'un dossier avant le départ. "
            "`value` est un montant décimal en chaîne, avec sa devise ISO 4217 (`currency`)."
        ),
        request=AssistanceSerializer,
        responses={
            201: AssistanceSerializer,
            404: RESPONSE_404_PERSON,
        },
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        serializer = AssistanceSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = get_object_or_404(
            access.people_for(actor).select_related("case"), pk=data.pop("person_id")
        )
        require(access.can_change_case(actor, person.case))
        assistance = services.assistance_record(actor=actor, person=person, **data)
        return Response(AssistanceSerializer(assistance).data, status=status.HTTP_201_CREATED)
