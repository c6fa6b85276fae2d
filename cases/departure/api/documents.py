"""Departure API: documents. /api/v1/departure/travel-documents/ (a person's passports and
laissez-passer), /api/v1/departure/lpc-requests/ (laissez-passer requests and the embassy's
answers) and /api/v1/departure/embassies/ (where requests go)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from avrr.api import ServiceViewSet, require, schema_tag, url_pk
from avrr.schema import ErrorSerializer
from cases import access as case_access
from cases.api.fields import CountryCodeField
from cases.api.responses import RESPONSE_404_PERSON
from cases.departure import access
from cases.departure.models import Embassy, LpcRequest, TravelDocument
from cases.departure.selectors import documents as selectors
from cases.departure.services import documents as services

RESPONSE_404_LPC = OpenApiResponse(
    ErrorSerializer,
    description=_("Demande de laissez-passer inexistante, ou hors de portée de cet utilisateur."),
)
RESPONSE_400_LPC_STATUS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "Étape impossible au statut actuel de la demande, ou date incohérente (message sous "
        "« non_field_errors ») ; rien n'est changé."
    ),
)


# Serializers --------------------------------------------------------------------------


class TravelDocumentSerializer(serializers.ModelSerializer[TravelDocument]):
    person = serializers.IntegerField(source="person_id", read_only=True)
    issuing_country = CountryCodeField(read_only=True)

    class Meta:
        model = TravelDocument
        fields = [
            "id",
            "person",
            "kind",
            "number",
            "issuing_country",
            "issued_on",
            "expires_on",
            "copy_held",
            "recorded_at",
        ]
        read_only_fields = fields


class PassportCreateSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text=_("Identifiant de la personne."))
    number = serializers.CharField(max_length=50)
    issuing_country = CountryCodeField()
    issued_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Pas dans le futur.")
    )
    expires_on = serializers.DateField()
    copy_held = serializers.BooleanField(default=False)


class EmbassySerializer(serializers.ModelSerializer[Embassy]):
    country = CountryCodeField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Embassy
        fields = ["id", "name", "country", "kind", "city", "letter_language"]
        read_only_fields = fields


class LpcRequestSerializer(serializers.ModelSerializer[LpcRequest]):
    person = serializers.IntegerField(source="person_id", read_only=True)
    embassy = serializers.IntegerField(source="embassy_id", read_only=True)
    document = TravelDocumentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LpcRequest
        fields = [
            "id",
            "person",
            "embassy",
            "status",
            "requested_on",
            "interview_on",
            "refusal_reason",
            "document",
            "status_changed_on",
        ]
        read_only_fields = fields


class LpcRequestCreateSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text=_("Identifiant de la personne."))
    embassy = serializers.IntegerField(
        help_text=_("Identifiant de l'ambassade ou du consulat de son pays.")
    )
    requested_on = serializers.DateField(help_text=_("Pas dans le futur."))


class LpcInterviewSerializer(serializers.Serializer[Any]):
    interview_on = serializers.DateField(help_text=_("Pas avant la demande."))


class LpcIssueSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=50)
    issued_on = serializers.DateField(help_text=_("Pas dans le futur, ni avant la demande."))
    expires_on = serializers.DateField(help_text=_("Après la date de délivrance."))


class LpcRefuseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=_("Le motif du refus donné par l'ambassade."))


# Views --------------------------------------------------------------------------------


@extend_schema(tags=[schema_tag(_("Documents de voyage"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des documents de voyage"),
        description=_(
            "Les passeports et laissez-passer des personnes des dossiers du bureau ; `case` "
            "ou `person` les limitent à un dossier ou une personne."
        ),
        responses={200: TravelDocumentSerializer(many=True)},
    )
)
class TravelDocumentViewSet(ServiceViewSet[TravelDocument]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.TravelDocumentFilter
    serializer_class = TravelDocumentSerializer

    def get_queryset(self) -> QuerySet[TravelDocument]:
        return selectors.travel_document_list(access.travel_documents_for(self.request.user))

    @extend_schema(
        summary=_("Enregistrer un passeport"),
        description=_(
            "Le passeport d'une personne d'un dossier avant le départ. Un laissez-passer "
            "s'enregistre par sa demande (`lpc-requests/{id}/issue/`)."
        ),
        request=PassportCreateSerializer,
        responses={201: TravelDocumentSerializer, 404: RESPONSE_404_PERSON},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        serializer = PassportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = get_object_or_404(
            case_access.people_for(actor).select_related("case"), pk=data.pop("person")
        )
        require(access.can_change_departure(actor, person.case))
        document = services.passport_record(actor=actor, person=person, **data)
        return Response(TravelDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[schema_tag(_("Documents de voyage"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des ambassades et consulats"),
        description=_(
            "Les représentations actives auxquelles vont les demandes de laissez-passer."
        ),
        responses={200: EmbassySerializer(many=True)},
    )
)
class EmbassyViewSet(ServiceViewSet[Embassy]):
    serializer_class = EmbassySerializer

    def get_queryset(self) -> QuerySet[Embassy]:
        return access.embassies_for(self.request.user).order_by("country", "city")


@extend_schema(tags=[schema_tag(_("Documents de voyage"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des demandes de laissez-passer"),
        description=_(
            "Les demandes de laissez-passer des personnes des dossiers du bureau, filtrables "
            "par dossier, personne et statut."
        ),
        responses={200: LpcRequestSerializer(many=True)},
    )
)
class LpcRequestViewSet(ServiceViewSet[LpcRequest]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.LpcRequestFilter
    serializer_class = LpcRequestSerializer

    def get_queryset(self) -> QuerySet[LpcRequest]:
        return selectors.lpc_request_list(access.lpc_requests_for(self.request.user))

    def _answer(self, pk: int) -> Response:
        return Response(LpcRequestSerializer(self.get_queryset().get(pk=pk)).data)

    def _changeable(self, pk: str) -> LpcRequest:
        actor = self.actor
        lpc = access.lpc_request_for(actor, url_pk(pk))
        require(access.can_change_departure(actor, lpc.person.case))
        return lpc

    @extend_schema(
        summary=_("Demander un laissez-passer"),
        description=_(
            "Demande un laissez-passer pour une personne d'un dossier avant le départ, à "
            "l'ambassade ou au consulat de son pays ; une seule demande sans réponse à la fois."
        ),
        request=LpcRequestCreateSerializer,
        responses={201: LpcRequestSerializer, 404: RESPONSE_404_PERSON},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        serializer = LpcRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = get_object_or_404(
            case_access.people_for(actor).select_related("case"), pk=data["person"]
        )
        require(access.can_change_departure(actor, person.case))
        embassy = access.embassies_for(actor).filter(pk=data["embassy"]).first()
        if embassy is None:
            raise serializers.ValidationError({"embassy": [_("Ambassade ou consulat inconnu.")]})
        lpc = services.lpc_request(
            actor=actor, person=person, embassy=embassy, requested_on=data["requested_on"]
        )
        return Response(
            LpcRequestSerializer(self.get_queryset().get(pk=lpc.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("Entretien d'identification"),
        description=_("La date de l'entretien fixée par l'ambassade (statut `interview`)."),
        request=LpcInterviewSerializer,
        responses={200: LpcRequestSerializer, 400: RESPONSE_400_LPC_STATUS, 404: RESPONSE_404_LPC},
    )
    @action(detail=True, methods=["post"])
    def interview(self, request: Request, pk: str) -> Response:
        lpc = self._changeable(pk)
        serializer = LpcInterviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lpc_schedule_interview(actor=self.actor, request=lpc, **serializer.validated_data)
        return self._answer(lpc.pk)

    @extend_schema(
        summary=_("Laissez-passer délivré"),
        description=_(
            "L'ambassade a délivré le laissez-passer (statut `issued`) : il devient le "
            "document de voyage de la personne, pour un seul voyage."
        ),
        request=LpcIssueSerializer,
        responses={200: LpcRequestSerializer, 400: RESPONSE_400_LPC_STATUS, 404: RESPONSE_404_LPC},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        lpc = self._changeable(pk)
        serializer = LpcIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lpc_issue(actor=self.actor, request=lpc, **serializer.validated_data)
        return self._answer(lpc.pk)

    @extend_schema(
        summary=_("Laissez-passer refusé"),
        description=_("L'ambassade a refusé le laissez-passer (statut `refused`), avec son motif."),
        request=LpcRefuseSerializer,
        responses={200: LpcRequestSerializer, 400: RESPONSE_400_LPC_STATUS, 404: RESPONSE_404_LPC},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        lpc = self._changeable(pk)
        serializer = LpcRefuseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lpc_refuse(actor=self.actor, request=lpc, **serializer.validated_data)
        return self._answer(lpc.pk)

    @extend_schema(
        summary=_("Laissez-passer expiré"),
        description=_(
            "Un laissez-passer délivré dont la date de validité est passée sans voyage "
            "(statut `expired`) : il faut en demander un autre."
        ),
        request=None,
        responses={200: LpcRequestSerializer, 400: RESPONSE_400_LPC_STATUS, 404: RESPONSE_404_LPC},
    )
    @action(detail=True, methods=["post"])
    def expire(self, request: Request, pk: str) -> Response:
        lpc = self._changeable(pk)
        services.lpc_expire(actor=self.actor, request=lpc)
        return self._answer(lpc.pk)


router = SimpleRouter()
router.register("travel-documents", TravelDocumentViewSet, basename="api-travel-document")
router.register("lpc-requests", LpcRequestViewSet, basename="api-lpc-request")
router.register("embassies", EmbassyViewSet, basename="api-embassy")

urlpatterns = router.urls
