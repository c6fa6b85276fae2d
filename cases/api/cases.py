"""/api/v1/cases/: list, register, read, edit, move and reassign cases; add people."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from avrr.api import ServiceViewSet, require, schema_tag, url_pk
from cases import access, selectors, services
from cases.api.responses import RESPONSE_404_CASE
from cases.api.serializers import (
    AssignSerializer,
    CaseConflictSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseRegisterSerializer,
    CaseUpdateSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    TransitionSerializer,
)
from cases.models import Case, CaseStatus
from cases.selectors import CaseFilter
from cases.services import PersonData


@extend_schema(tags=[schema_tag(_("Dossiers"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des dossiers"),
        description=_(
            "Les dossiers que l'utilisateur peut voir, paginés, avec la recherche, les "
            "filtres et le tri de la liste des dossiers."
        ),
        # The filter's method takes an optional bool, which the schema cannot guess.
        parameters=[OpenApiParameter("mine", OpenApiTypes.BOOL, description=_("Mes dossiers"))],
        responses={200: CaseListSerializer(many=True)},
    )
)
class CaseViewSet(ServiceViewSet[Case]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    serializer_class = CaseListSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.case_list(access.cases_for(self.request.user))

    def _detail_data(self, pk: int) -> dict[str, Any]:
        case = get_object_or_404(selectors.case_detail(access.cases_for(self.request.user)), pk=pk)
        return dict(CaseDetailSerializer(case).data)

    def conflict_representation(self, current: Model) -> dict[str, Any]:
        return self._detail_data(current.pk)

    @extend_schema(
        summary=_("Enregistrer un dossier"),
        description=_(
            "Ouvre un dossier dans le bureau de l'utilisateur, avec le ou la demandeur·se "
            "principal·e et les proches qui rentrent avec."
        ),
        request=CaseRegisterSerializer,
        responses={201: CaseDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        require(access.can_register_cases(actor))
        serializer = CaseRegisterSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        people = [PersonData(**person) for person in data.pop("people")]
        case = services.case_register(actor=actor, people=people, **data)
        return Response(self._detail_data(case.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Détail d'un dossier"),
        description=_(
            "Le dossier avec ses personnes, l'assistance, les séances de conseil, les "
            "déclarations et les prochaines étapes possibles. Chaque consultation est tracée."
        ),
        responses={200: CaseDetailSerializer, 404: RESPONSE_404_CASE},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = get_object_or_404(selectors.case_detail(access.cases_for(actor)), pk=pk)
        services.case_view_record(actor=actor, case=case)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(
        summary=_("Modifier un dossier"),
        description=_(
            "Modifie les champs donnés. `version` est obligatoire : c'est la version lue ; "
            "si le dossier a changé depuis, rien n'est enregistré et la réponse 409 donne "
            "le dossier tel qu'il est."
        ),
        request=CaseUpdateSerializer,
        responses={
            200: CaseDetailSerializer,
            404: RESPONSE_404_CASE,
            409: CaseConflictSerializer,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = access.case_for(actor, url_pk(pk))
        require(access.can_change_case(actor, case))
        serializer = CaseUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        services.case_update(actor=actor, case=case, expected_version=version, changes=changes)
        return Response(self._detail_data(case.pk))

    @extend_schema(
        summary=_("Changer le statut d'un dossier"),
        description=_(
            "Fait passer le dossier au statut demandé si rien ne manque ; sinon la réponse "
            "400 dit ce qui manque."
        ),
        request=TransitionSerializer,
        responses={
            200: CaseDetailSerializer,
            404: RESPONSE_404_CASE,
        },
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = access.case_for(actor, url_pk(pk))
        require(access.can_change_case(actor, case))
        serializer = TransitionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus(serializer.validated_data["to_status"]),
            reason=serializer.validated_data["reason"],
        )
        return Response(self._detail_data(case.pk))

    @extend_schema(
        summary=_("Réassigner un dossier"),
        description=_("Confie le dossier à un·e agent·e de son bureau (superviseur·es)."),
        request=AssignSerializer,
        responses={
            200: CaseDetailSerializer,
            404: RESPONSE_404_CASE,
        },
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = access.case_for(actor, url_pk(pk))
        require(access.can_reassign(actor, case))
        serializer = AssignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.case_assign(
            actor=actor, case=case, assignee=serializer.validated_data["assigned_to"]
        )
        return Response(self._detail_data(case.pk))

    @extend_schema(
        summary=_("Ajouter une personne au dossier"),
        description=_("Ajoute un·e proche qui rentre avec le ou la demandeur·se principal·e."),
        request=PersonCreateSerializer,
        responses={
            201: PersonSerializer,
            404: RESPONSE_404_CASE,
        },
    )
    @action(detail=True, methods=["post"], url_path="people")
    def people(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = access.case_for(actor, url_pk(pk))
        require(access.can_change_case(actor, case))
        serializer = PersonCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        person = services.person_add(
            actor=actor, case=case, data=PersonData(**serializer.validated_data)
        )
        stored = access.people_for(actor).prefetch_related("vulnerabilities").get(pk=person.pk)
        return Response(PersonSerializer(stored).data, status=status.HTTP_201_CREATED)
