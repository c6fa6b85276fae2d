"""/api/v1/people/: list, read and edit the people of cases."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from avrr.api import ServiceViewSet, require, schema_tag
from cases import access, services
from cases.api.filters import PersonFilter
from cases.api.responses import RESPONSE_404_PERSON
from cases.api.serializers import (
    PersonConflictSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
)
from cases.models import Person


@extend_schema(tags=[schema_tag(_("Personnes"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des personnes"),
        description=_(
            "Les personnes que l'utilisateur peut voir ; `case` les limite à un dossier."
        ),
        responses={200: PersonSerializer(many=True)},
    )
)
class PersonViewSet(ServiceViewSet[Person]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter
    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return access.people_for(self.request.user).prefetch_related("vulnerabilities")

    def conflict_representation(self, current: Model) -> dict[str, Any]:
        return dict(PersonSerializer(self.get_queryset().get(pk=current.pk)).data)

    @extend_schema(
        summary=_("Fiche d'une personne"),
        responses={200: PersonSerializer, 404: RESPONSE_404_PERSON},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        person = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(PersonSerializer(person).data)

    @extend_schema(
        summary=_("Modifier la fiche d'une personne"),
        description=_(
            "Modifie les champs donnés. `version` est obligatoire : c'est la version lue ; "
            "si la fiche a changé depuis, rien n'est enregistré et la réponse 409 donne la "
            "fiche telle qu'elle est."
        ),
        request=PersonUpdateSerializer,
        responses={
            200: PersonSerializer,
            404: RESPONSE_404_PERSON,
            409: PersonConflictSerializer,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        actor = self.actor
        person = get_object_or_404(access.people_for(actor).select_related("case"), pk=pk)
        require(access.can_change_case(actor, person.case))
        serializer = PersonUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        services.person_update(
            actor=actor, person=person, expected_version=version, changes=changes
        )
        return Response(PersonSerializer(self.get_queryset().get(pk=person.pk)).data)
