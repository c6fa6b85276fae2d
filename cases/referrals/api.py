"""The referral API, under /api/v1/referrals/: partner NGOs' own tools submit and follow
their referrals; IOM offices triage those sent to them.

Views stay thin, as in `cases.api`: they parse with a serializer, call a service of
`cases.referrals.services` and serialize the result. Every referral is read through
`cases.access`, so one out of the user's reach is answered 404 like one that does not
exist. Service errors are mapped onto HTTP: PermissionDenied → 403, ValidationError → 400,
IdempotencyConflict → 422.

What a partner NGO sees of a referral is what it submitted and the status it may know
(`Referral.status_for_organisation`): never the case IOM opened from it. Attachments are
not accepted through the API (JSON only).
"""

import hashlib
import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from avrr.api import RESPONSE_400, RESPONSE_403, ServiceViewSet, require, schema_tag, url_pk
from avrr.models import Organisation

# Importing avrr.schema registers the Api-Key security scheme with drf-spectacular.
from avrr.schema import NamedEnumField
from avrr.throttling import OrganisationRateThrottle
from cases.api import CountryCodeField
from cases.models import MAX_AGE, Case, VulnerabilityCode
from cases.referrals import access, selectors, services
from cases.referrals.models import Referral, ReferralStatus, ReferredPerson, Urgency
from cases.referrals.services import ReferralData, ReferredPersonData

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# IdempotencyRecord.key
IDEMPOTENCY_KEY_MAX_LENGTH = 200

STATUS_MEANINGS = {
    ReferralStatus.SUBMITTED: _(
        "reçu par le bureau de l'OIM, pas encore examiné : l'ONG peut encore le corriger "
        "(PUT) ou le retirer."
    ),
    ReferralStatus.UNDER_REVIEW: _(
        "le bureau de l'OIM l'examine : il ne peut plus être corrigé ni retiré."
    ),
    ReferralStatus.ACCEPTED: _("le bureau de l'OIM a ouvert un dossier pour les personnes."),
    ReferralStatus.DECLINED: _("le bureau de l'OIM l'a refusé ; le motif est dans decline_reason."),
    ReferralStatus.WITHDRAWN: _("l'ONG l'a retiré."),
    ReferralStatus.DEPARTED: _(
        "vu par l'ONG seulement : les personnes sont parties (le dossier ouvert à partir du "
        "référencement en est au départ ou au-delà). L'OIM voit alors « accepted »."
    ),
}


def _urgency_field(**kwargs: Any) -> NamedEnumField:
    return NamedEnumField(
        enum_name="UrgencyEnum",
        choices=Urgency.choices,
        meanings={
            Urgency.NORMAL: _("à traiter dans l'ordre d'arrivée."),
            Urgency.HIGH: _("à traiter en priorité."),
            Urgency.URGENT: _("situation qui ne peut pas attendre (santé, sécurité…)."),
        },
        **kwargs,
    )


# Read serializers --------------------------------------------------------------------


class ReferralStatusField(NamedEnumField):
    """The referral's status: as the referring NGO may know it, to the NGO's users."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            enum_name="ReferralStatusEnum",
            choices=ReferralStatus.choices,
            meanings=STATUS_MEANINGS,
            # Annotated by `selectors.referrals_with_status_shown`.
            source="status_shown",
            read_only=True,
            **kwargs,
        )


class ReferredPersonNameSerializer(serializers.ModelSerializer[ReferredPerson]):
    class Meta:
        model = ReferredPerson
        fields = ["family_name", "given_name", "relationship"]
        read_only_fields = fields


class ReferredPersonSerializer(serializers.ModelSerializer[ReferredPerson]):
    """A referred person: what the NGO sends, and what it is shown back."""

    nationality = CountryCodeField()
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Date de naissance ; si elle n'est pas connue, donnez `age`."),
    )
    age = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("Âge déclaré, quand la date de naissance n'est pas connue."),
    )
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=VulnerabilityCode.choices),
        required=False,
        help_text=_("Codes des vulnérabilités constatées par l'ONG."),
    )

    class Meta:
        model = ReferredPerson
        fields = [
            "relationship",
            "family_name",
            "given_name",
            "sex",
            "birth_date",
            "age",
            "nationality",
            "languages",
            "vulnerabilities",
        ]
        extra_kwargs = {
            "relationship": {
                "help_text": _(
                    "Lien avec la personne référée : exactement une personne `principal` "
                    "par référencement."
                )
            },
            "languages": {"help_text": _("Langues parlées, en texte libre.")},
        }


class ReferralCaseSerializer(serializers.ModelSerializer[Case]):
    class Meta:
        model = Case
        fields = ["id", "number"]
        read_only_fields = fields


class ReferralListSerializer(serializers.ModelSerializer[Referral]):
    """A row of the referral list."""

    status = ReferralStatusField(
        help_text=_(
            "Pour une ONG, le statut qu'elle peut connaître (dont `departed`) ; pour "
            "l'OIM, le statut du référencement."
        )
    )
    urgency = _urgency_field(read_only=True)
    office = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", read_only=True, help_text=_("Code du bureau de l'OIM destinataire.")
    )
    organisation = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", read_only=True, help_text=_("Code de l'ONG référente.")
    )
    decline_reason = serializers.SerializerMethodField(
        help_text=_("Le motif du refus, quand le référencement est refusé ; sinon null.")
    )
    people_count = serializers.SerializerMethodField(help_text=_("Nombre de personnes référées."))
    people = ReferredPersonNameSerializer(many=True, read_only=True)
    case = serializers.SerializerMethodField(
        help_text=_("Le dossier ouvert à l'acceptation : pour l'OIM seulement, null pour une ONG.")
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "urgency",
            "office",
            "organisation",
            "submitted_at",
            "status_changed_at",
            "decline_reason",
            "people_count",
            "people",
            "case",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decline_reason(self, referral: Referral) -> str | None:
        return referral.decline_reason if referral.status == ReferralStatus.DECLINED else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_people_count(self, referral: Referral) -> int:
        # `people` is prefetched.
        return len(referral.people.all())

    @extend_schema_field(ReferralCaseSerializer(allow_null=True))
    def get_case(self, referral: Referral) -> dict[str, Any] | None:
        if self.context.get("for_organisation") or referral.case is None:
            return None
        return dict(ReferralCaseSerializer(referral.case).data)


class ReferralDetailSerializer(ReferralListSerializer):
    """A referral with everything that was submitted."""

    people = ReferredPersonSerializer(many=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Referral
        fields = [
            *ReferralListSerializer.Meta.fields,
            "reason",
            "contact_phone",
            "consent_given_on",
            "consent_taken_by",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(read_only=True)


# Write serializers -------------------------------------------------------------------


class ReferralSubmitSerializer(serializers.Serializer[Any]):
    """A referral to submit, or the corrected referral (as `ReferralData`)."""

    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.IOM_OFFICE, is_active=True),
        help_text=_("Code du bureau de l'OIM destinataire (ex. RBA)."),
        error_messages={
            "does_not_exist": _("Aucun bureau de l'OIM actif n'a le code « {value} »."),
        },
    )
    people = ReferredPersonSerializer(
        many=True,
        allow_empty=False,
        help_text=_("La personne référée (`principal`) et les proches qui rentrent avec elle."),
    )
    reason = serializers.CharField(
        allow_blank=True, help_text=_("Motif du référencement : pourquoi la personne rentre.")
    )
    urgency = _urgency_field(default=Urgency.NORMAL)
    contact_phone = serializers.CharField(
        max_length=32,
        allow_blank=True,
        default="",
        help_text=_("Téléphone où joindre la personne."),
    )
    consent_given_on = serializers.DateField(
        allow_null=True,
        default=None,
        help_text=_(
            "Obligatoire : la date où la personne a consenti au partage de ses données avec "
            "l'OIM. Sans consentement, rien n'est enregistré (400)."
        ),
    )
    consent_taken_by = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text=_("Obligatoire : la personne de l'ONG qui a recueilli le consentement."),
    )


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_("Obligatoire : le motif du refus, que l'ONG lira."),
    )


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


# Views -------------------------------------------------------------------------------


RESPONSE_404 = OpenApiResponse(
    description=_("Référencement inexistant, ou hors de portée de cet utilisateur.")
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
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Recommandé : une clé unique par référencement (un UUID par exemple, 200 caractères "
        "au plus), choisie par votre outil. Si la réponse se perd et que vous renvoyez la "
        "même requête avec la même clé, le référencement n'est pas créé une deuxième fois : "
        "la réponse est 200 avec le référencement déjà créé et l'en-tête "
        "`Idempotent-Replayed: true`. La même clé avec un autre corps est refusée (422). "
        "Les clés valent pour toute l'organisation, quelle que soit la clé d'API utilisée."
    ),
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    enum=["true"],
    description=_("Présent quand la réponse rejoue une soumission déjà enregistrée."),
    response=[200],
)
RETRY_AFTER_PARAMETER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    description=_("Secondes à attendre avant de soumettre à nouveau."),
    response=[429],
)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise exceptions.ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    gettext("La clé d'idempotence a %(max)s caractères au plus.")
                    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    return key


def _request_hash(data: Any) -> str:
    """SHA-256 of the body as canonical JSON: the same request however it is laid out."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    parser_classes = [JSONParser]
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
            403: RESPONSE_403,
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
        key = _idempotency_key(request)
        serializer = ReferralSubmitSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        referral, created = services.referral_submit(
            actor=actor,
            data=_referral_data(serializer.validated_data),
            idempotency_key=key,
            request_hash=_request_hash(request.data) if key else "",
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
            403: RESPONSE_403,
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
            403: RESPONSE_403,
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
            403: RESPONSE_403,
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
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
