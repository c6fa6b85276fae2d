"""The referral serializers: what a partner NGO submits, and what each side is shown."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from avrr.models import Organisation

# Importing avrr.schema registers the Api-Key security scheme with drf-spectacular.
from avrr.schema import NamedEnumField
from avrr.texts import no_bidi_controls
from cases.api.fields import CountryCodeField
from cases.models import MAX_AGE, Case, VulnerabilityCode
from cases.referrals.models import Referral, ReferralStatus, ReferredPerson, Urgency

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
        validators=[no_bidi_controls],
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
        validators=[no_bidi_controls],
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
