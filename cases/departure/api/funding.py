"""Departure API: funding. /api/v1/departure/agreements/ (read by office staff, written by
supervisors), their amendments, and /api/v1/departure/waiting-list/ (the office's cases
waiting for funds, in booking order)."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from avrr.api import ServiceViewSet, require, schema_tag, url_pk
from avrr.models import Organisation
from avrr.schema import ErrorSerializer
from cases import access as case_access
from cases.api.fields import organisation_field
from cases.departure import access
from cases.departure.models import FundingAgreement, FundingAmendment
from cases.departure.selectors import funding as selectors
from cases.departure.services import funding as services
from cases.models import Case

RESPONSE_404_AGREEMENT = OpenApiResponse(
    ErrorSerializer,
    description=_("Accord inexistant, ou que cet utilisateur ne peut pas voir."),
)


class AgreementSerializer(serializers.ModelSerializer[FundingAgreement]):
    """An agreement and what it has left; also the body that creates one."""

    funder = organisation_field(help_text=_("Code de l'organisation qui finance."))
    tickets_left = serializers.IntegerField(read_only=True, allow_null=True)
    budget_left = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = FundingAgreement
        fields = [
            "id",
            "funder",
            "reference",
            "title",
            "covers",
            "ticket_quota",
            "budget",
            "currency",
            "valid_from",
            "valid_until",
            "tickets_reserved",
            "budget_reserved",
            "tickets_left",
            "budget_left",
        ]
        read_only_fields = ["id", "tickets_reserved", "budget_reserved"]
        extra_kwargs = {
            "ticket_quota": {"min_value": 1},
            "currency": {"help_text": _("Devise ISO 4217 du budget et des billets, ex. MAD.")},
            # The service says which of the two the agreement lacks.
            "reference": {"validators": []},
        }


class FundsSerializer(serializers.Serializer[selectors.AgreementFunds]):
    tickets_used = serializers.IntegerField()
    tickets_reserved = serializers.IntegerField()
    tickets_left = serializers.IntegerField(allow_null=True)
    budget_used = serializers.DecimalField(max_digits=14, decimal_places=2)
    budget_reserved = serializers.DecimalField(max_digits=14, decimal_places=2)
    budget_left = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tickets_per_day = serializers.DecimalField(max_digits=10, decimal_places=3)
    runs_out_on = serializers.DateField(allow_null=True)
    waiting_people = serializers.IntegerField()
    months_to_clear = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)


class AgreementDetailSerializer(AgreementSerializer):
    """An agreement with its funds page's figures (`funds`, set on it by the view)."""

    funds = FundsSerializer(read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "funds"]


class AmendmentSerializer(serializers.ModelSerializer[FundingAmendment]):
    currency = serializers.CharField(
        write_only=True,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Devise du budget ajouté : celle de l'accord."),
    )

    class Meta:
        model = FundingAmendment
        fields = ["id", "reference", "signed_on", "added_tickets", "added_budget", "currency"]
        read_only_fields = ["id"]


class WaitingCaseSerializer(serializers.ModelSerializer[Case]):
    """A case on the waiting list: its place comes from the list's order."""

    household_size = serializers.IntegerField(read_only=True, help_text=_("Nombre de personnes."))
    is_urgent = serializers.BooleanField(read_only=True)
    is_vulnerable = serializers.BooleanField(
        read_only=True, help_text=_("Le dossier compte une personne vulnérable.")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "priority",
            "ready_on",
            "household_size",
            "is_urgent",
            "is_vulnerable",
        ]
        read_only_fields = fields


@extend_schema(tags=[schema_tag(_("Financement"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des accords de financement"),
        description=_(
            "Les accords qui financent les billets et le pécule, avec ce qui leur reste. "
            "Pour le personnel des bureaux ; paginée (`page`)."
        ),
        responses={200: AgreementSerializer(many=True)},
    )
)
class AgreementViewSet(ServiceViewSet[FundingAgreement]):
    serializer_class = AgreementSerializer

    def get_queryset(self) -> QuerySet[FundingAgreement]:
        return selectors.agreement_list(access.agreements_for(self.request.user))

    def _detail(self, pk: int, **kwargs: Any) -> Response:
        agreement = access.agreement_for(self.actor, pk)
        shown = self.get_queryset().get(pk=agreement.pk)
        shown.funds = selectors.agreement_funds(  # type: ignore[attr-defined]
            shown, today=timezone.localdate(), waiting_cases=access.all_waiting_cases()
        )
        return Response(AgreementDetailSerializer(shown).data, **kwargs)

    @extend_schema(
        summary=_("Enregistrer un accord de financement"),
        description=_(
            "Superviseur·es seulement. Un quota de billets, un budget dans la devise de "
            "l'accord, ou les deux, pour une période."
        ),
        request=AgreementSerializer,
        responses={201: AgreementDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        require(access.can_manage_funding(actor))
        serializer = AgreementSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        funder: Organisation = data.pop("funder")
        agreement = services.agreement_create(actor=actor, funder=funder, **data)
        return self._detail(agreement.pk, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Détail d'un accord de financement"),
        description=_(
            "L'accord et ses fonds : billets et budget utilisés, réservés et restants, le "
            "rythme des 90 derniers jours, la date d'épuisement à ce rythme, la taille de la "
            "liste d'attente (tous bureaux) et les mois pour la résorber."
        ),
        responses={200: AgreementDetailSerializer, 404: RESPONSE_404_AGREEMENT},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(url_pk(pk))

    @extend_schema(
        summary=_("Ajouter un avenant"),
        description=_(
            "Superviseur·es seulement. Ajoute des billets au quota ou du budget (dans la "
            "devise de l'accord, à redire dans `currency`). Rien n'est réservé d'office : "
            "la liste d'attente dit qui réserver ensuite."
        ),
        request=AmendmentSerializer,
        responses={201: AgreementDetailSerializer, 404: RESPONSE_404_AGREEMENT},
    )
    @action(detail=True, methods=["post"])
    def amendments(self, request: Request, pk: str) -> Response:
        actor = self.actor
        agreement = access.agreement_for(actor, url_pk(pk))
        require(access.can_manage_funding(actor))
        serializer = AmendmentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.amendment_add(actor=actor, agreement=agreement, **serializer.validated_data)
        return self._detail(agreement.pk, status=status.HTTP_201_CREATED)


class WaitForFundsSerializer(serializers.Serializer[dict[str, Any]]):
    """A `ready` case to put on the waiting list, at the fare quoted for its tickets."""

    case = serializers.IntegerField(help_text=_("Le dossier, prêt au départ."))
    ticket_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), help_text=_("Coût d'un billet.")
    )
    currency = serializers.CharField(max_length=3, help_text=_("Code ISO 4217 (ex. MAD)."))


class WaitingCaseStatusSerializer(serializers.ModelSerializer[Case]):
    class Meta:
        model = Case
        fields = ["id", "number", "status"]
        read_only_fields = fields


RESPONSE_404_CASE = OpenApiResponse(
    ErrorSerializer,
    description=_("Dossier inexistant, ou que cet utilisateur ne peut pas voir."),
)


@extend_schema(tags=[schema_tag(_("Financement"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste d'attente de financement"),
        description=_(
            "Les dossiers du bureau en attente de financement, dans l'ordre de réservation : "
            "urgents, puis avec une personne vulnérable, puis par priorité et par date depuis "
            "laquelle ils sont prêts au départ. Paginée (`page`)."
        ),
        responses={200: WaitingCaseSerializer(many=True)},
    )
)
class WaitingListViewSet(ServiceViewSet[Case]):
    serializer_class = WaitingCaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.waiting_list(access.waiting_cases_for(self.request.user))

    @extend_schema(
        summary=_("Mettre un dossier en attente de financement"),
        description=_(
            "Seulement quand aucun accord ne peut payer les billets de toutes ses personnes "
            "au tarif indiqué ; sinon, réservez-les."
        ),
        request=WaitForFundsSerializer,
        responses={201: WaitingCaseStatusSerializer, 404: RESPONSE_404_CASE},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        serializer = WaitForFundsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = case_access.case_for(actor, data["case"])
        case = services.case_wait_for_funds(
            actor=actor, case=case, ticket_cost=data["ticket_cost"], currency=data["currency"]
        )
        return Response(WaitingCaseStatusSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Financement trouvé"),
        description=_("Le dossier quitte la liste d'attente : il est de nouveau prêt au départ."),
        request=None,
        responses={200: WaitingCaseStatusSerializer, 404: RESPONSE_404_CASE},
    )
    @action(detail=True, methods=["post"], url_path="funds-found")
    def funds_found(self, request: Request, pk: str) -> Response:
        actor = self.actor
        case = case_access.case_for(actor, url_pk(pk))
        case = services.case_funds_found(actor=actor, case=case)
        return Response(WaitingCaseStatusSerializer(case).data)


router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="api-agreement")
router.register("waiting-list", WaitingListViewSet, basename="api-waiting-list")

urlpatterns = router.urls
