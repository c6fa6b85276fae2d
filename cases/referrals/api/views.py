"""/api/v1/referrals/: submit, correct and withdraw referrals; review, accept, decline."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from avrr.api import ServiceViewSet, require, schema_tag, url_pk
from avrr.schema import ErrorSerializer
from avrr.throttling import OrganisationRateThrottle
from cases.referrals import access, selectors, services
from cases.referrals.api.idempotency import (
    IDEMPOTENCY_PARAMETER,
    REPLAYED_HEADER,
    REPLAYED_PARAMETER,
    body_hash,
    idempotency_key_of,
)
from cases.referrals.api.serializers import (
    DeclineSerializer,
    ReferralDetailSerializer,
    ReferralListSerializer,
    ReferralSubmitSerializer,
)
from cases.referrals.models import Referral
from cases.referrals.services import ReferralData, ReferredPersonData


def _referral_data(validated: dict[str, Any]) -> ReferralData:
    return ReferralData(
        office=validated["office"],
        people=[ReferredPersonData(**person) for person in validated["people"]],
        reason=validated["reason"],
        urgency=validated["urgency"],
        contact_phone=validated["contact_phone"],
        consent_given_on=validated["consent_given_on"],
        consent_taken_by=validated["consent_taken_by"],
    )


RESPONSE_404 = OpenApiResponse(
    ErrorSerializer,
    description=_("Référencement inexistant, ou hors de portée de cet utilisateur."),
)
RESPONSE_400_SUBMIT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "Données refusées : les messages par champ (« consent » quand le consentement "
        "manque, « people » pour les personnes), ou sous « non_field_errors ». Rien "
        "n'est enregistré."
    ),
)
RESPONSE_400_STATUS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "Action impossible au statut actuel du référencement (message sous "
        "« non_field_errors ») ; rien n'est changé."
    ),
)
RESPONSE_415 = OpenApiResponse(
    ErrorSerializer,
    description=_("Le corps doit être du JSON (application/json) : pas de pièce jointe."),
)
RETRY_AFTER_PARAMETER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    description=_("Secondes à attendre avant de soumettre à nouveau."),
    response=[429],
)


@extend_schema(tags=[schema_tag(_("Référencements"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des référencements"),
        description=_(
            "Pour une ONG, les référencements de son organisation ; pour un bureau de l'OIM, "
            "ceux qui lui sont adressés. Du plus urgent au moins urgent, puis du plus récent "
            "au plus ancien ; paginés (`page`). Une ONG voit le statut qu'elle peut connaître "
            "et les noms des personnes qu'elle a référées, jamais le dossier ouvert par l'OIM."
        ),
        responses={200: ReferralListSerializer(many=True)},
    )
)
class ReferralViewSet(ServiceViewSet[Referral]):
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.ReferralFilter
    serializer_class = ReferralListSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        user = self.request.user
        return selectors.referral_list(
            access.referrals_for(user),
            as_referring_organisation=access.sees_referrals_as_referrer(user),
        )

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = list(super().get_throttles())
        if self.action == "create":
            throttles.append(OrganisationRateThrottle())
        return throttles

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            # An NGO is shown what it may know of its referrals, never the case.
            "for_organisation": access.sees_referrals_as_referrer(self.request.user),
        }

    def _detail(self, pk: int, **kwargs: Any) -> Response:
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        context = self.get_serializer_context()
        return Response(ReferralDetailSerializer(referral, context=context).data, **kwargs)

    @extend_schema(
        summary=_("Soumettre un référencement"),
        description=_(
            "Réservé aux ONG partenaires (clé d'API de l'organisation, ou compte "
            "« référent ONG »). Réfère une personne, et les proches qui rentrent avec elle, à "
            "un bureau de l'OIM. Le consentement de la personne au partage de ses données "
            "(`consent_given_on`, `consent_taken_by`) est obligatoire. Le référencement "
            "commence au statut `submitted`, et l'ONG est prévenue par e-mail de chaque "
            "changement de statut. Corps JSON seulement : les pièces jointes ne passent pas "
            "par l'API. Envoyez un en-tête `Idempotency-Key` pour pouvoir renvoyer la requête "
            "sans risque de doublon. Les soumissions sont limitées par organisation (429 au-"
            "delà)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER, REPLAYED_PARAMETER, RETRY_AFTER_PARAMETER],
        request=ReferralSubmitSerializer,
        responses={
            201: OpenApiResponse(ReferralDetailSerializer, description=_("Référencement créé.")),
            200: OpenApiResponse(
                ReferralDetailSerializer,
                description=_(
                    "Même clé d'idempotence et même corps qu'une soumission déjà "
                    "enregistrée : le référencement déjà créé, rien de nouveau."
                ),
            ),
            400: RESPONSE_400_SUBMIT,
            415: RESPONSE_415,
            422: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "La clé d'idempotence a déjà servi avec un autre corps : rien n'est "
                    "enregistré ; utilisez une nouvelle clé."
                ),
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "Trop de soumissions pour l'organisation dans la période : réessayez "
                    "après le délai donné par l'en-tête Retry-After."
                ),
            ),
        },
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        require(access.can_submit_referrals(actor))
        key = idempotency_key_of(request)
        serializer = ReferralSubmitSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        referral, created = services.referral_submit(
            actor=actor,
            data=_referral_data(serializer.validated_data),
            idempotency_key=key,
            request_hash=body_hash(request.data) if key else "",
        )
        if created:
            return self._detail(referral.pk, status=status.HTTP_201_CREATED)
        return self._detail(referral.pk, headers={REPLAYED_HEADER: "true"})

    @extend_schema(
        summary=_("Détail d'un référencement"),
        description=_(
            "Le référencement avec tout ce qui a été soumis. Pour l'OIM, une fois accepté, "
            "l'identifiant et le numéro du dossier ouvert (`case`)."
        ),
        responses={200: ReferralDetailSerializer, 404: RESPONSE_404},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(url_pk(pk))

    @extend_schema(
        summary=_("Corriger un référencement"),
        description=_(
            "Remplace tout ce que l'ONG a soumis (même corps que la soumission), tant que le "
            "référencement est `submitted`. Dès que l'OIM l'examine, la correction est "
            "refusée (400)."
        ),
        request=ReferralSubmitSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: RESPONSE_400_SUBMIT,
            404: RESPONSE_404,
            415: RESPONSE_415,
        },
    )
    def update(self, request: Request, pk: str) -> Response:
        actor = self.actor
        referral = access.referral_for(actor, url_pk(pk))
        require(access.can_submit_referrals(actor))
        serializer = ReferralSubmitSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.referral_correct(
            actor=actor, referral=referral, data=_referral_data(serializer.validated_data)
        )
        return self._detail(referral.pk)

    @extend_schema(
        summary=_("Retirer un référencement"),
        description=_(
            "L'ONG retire son référencement (statut `withdrawn`), tant que l'OIM n'a pas "
            "commencé à l'examiner."
        ),
        request=None,
        responses={
            200: ReferralDetailSerializer,
            400: RESPONSE_400_STATUS,
            404: RESPONSE_404,
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        actor = self.actor
        referral = access.referral_for(actor, url_pk(pk))
        require(access.can_submit_referrals(actor))
        services.referral_withdraw(actor=actor, referral=referral)
        return self._detail(referral.pk)

    @extend_schema(
        summary=_("Commencer l'examen d'un référencement"),
        description=_(
            "Le personnel du bureau destinataire commence l'examen (statut `under_review`) : "
            "l'ONG ne peut plus le corriger ni le retirer."
        ),
        request=None,
        responses={
            200: ReferralDetailSerializer,
            400: RESPONSE_400_STATUS,
            404: RESPONSE_404,
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        actor = self.actor
        referral = access.referral_for(actor, url_pk(pk))
        require(access.can_triage_referrals(actor))
        services.referral_review_start(actor=actor, referral=referral)
        return self._detail(referral.pk)

    @extend_schema(
        summary=_("Accepter un référencement"),
        description=_(
            "Le personnel du bureau destinataire accepte le référencement : un dossier est "
            "ouvert avec les personnes référées (statut `accepted`). La réponse donne "
            "l'identifiant et le numéro du dossier (`case`)."
        ),
        request=None,
        responses={
            200: ReferralDetailSerializer,
            400: RESPONSE_400_STATUS,
            404: RESPONSE_404,
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        actor = self.actor
        referral = access.referral_for(actor, url_pk(pk))
        require(access.can_triage_referrals(actor))
        services.referral_accept(actor=actor, referral=referral)
        return self._detail(referral.pk)

    @extend_schema(
        summary=_("Refuser un référencement"),
        description=_(
            "Le personnel du bureau destinataire refuse le référencement (statut "
            "`declined`), avec un motif obligatoire que l'ONG lira."
        ),
        request=DeclineSerializer,
        responses={
            200: ReferralDetailSerializer,
            404: RESPONSE_404,
        },
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        actor = self.actor
        referral = access.referral_for(actor, url_pk(pk))
        require(access.can_triage_referrals(actor))
        serializer = DeclineSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.referral_decline(
            actor=actor, referral=referral, reason=serializer.validated_data["reason"]
        )
        return self._detail(referral.pk)
