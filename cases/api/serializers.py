"""The serializers of cases, people and assistance: what the API shows and accepts."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import services
from cases.api.fields import CountryCodeField, OfficeStaffField, organisation_field
from cases.models import (
    MAX_AGE,
    QUANTITY_MESSAGE,
    Assistance,
    Case,
    CaseStatus,
    CounsellingSession,
    Person,
    ReturnDeclaration,
    VulnerabilityCode,
)
from cases.workflow import allowed_targets, next_steps

# The statuses a case can be moved to: every target of an allowed transition, in the
# order of CaseStatus. ("registered" is where a case starts, never where it goes.)
TRANSITION_TARGETS = [
    case_status
    for case_status in CaseStatus
    if any(case_status in allowed_targets(source) for source in CaseStatus)
]


# Read serializers --------------------------------------------------------------------


class PrincipalApplicantSerializer(serializers.ModelSerializer[Person]):
    nationality = CountryCodeField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "family_name", "given_name", "sex", "nationality"]
        read_only_fields = fields


class CaseListSerializer(serializers.ModelSerializer[Case]):
    """A row of the case list."""

    office_code = serializers.CharField(source="office.code", read_only=True)
    assigned_to_username = serializers.CharField(
        source="assigned_to.username", read_only=True, allow_null=True
    )
    principal_applicant = serializers.SerializerMethodField()
    household_size = serializers.IntegerField(
        read_only=True, help_text=_("Nombre de personnes dans le dossier.")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "priority",
            "registered_on",
            "office",
            "office_code",
            "assigned_to",
            "assigned_to_username",
            "principal_applicant",
            "household_size",
        ]
        read_only_fields = fields

    @extend_schema_field(PrincipalApplicantSerializer(allow_null=True))
    def get_principal_applicant(self, case: Case) -> dict[str, Any] | None:
        # `principals` is prefetched by selectors.case_list.
        principals: list[Person] = getattr(case, "principals", None) or [
            person for person in case.people.all() if person.is_principal
        ]
        return PrincipalApplicantSerializer(principals[0]).data if principals else None


class PersonSerializer(serializers.ModelSerializer[Person]):
    nationality = CountryCodeField(read_only=True)
    country_of_return = CountryCodeField(read_only=True)
    vulnerabilities = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "case",
            "relationship",
            *services.PERSON_EDITABLE_FIELDS,
            "vulnerabilities",
            "duplicate_review",
            "linked_person",
            "is_remigration",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class AssistanceSerializer(serializers.ModelSerializer[Assistance]):
    """An assistance given to a person; also the body that records one."""

    person = serializers.IntegerField(
        source="person_id", help_text=_("Identifiant de la personne assistée.")
    )
    provider = organisation_field(
        required=False,
        allow_null=True,
        help_text=_("Code de l'organisation prestataire."),
    )

    class Meta:
        model = Assistance
        fields = [
            "id",
            "case",
            "person",
            "kind",
            "given_on",
            "quantity",
            "value",
            "currency",
            "provider",
            "note",
            "distribution",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "case", "distribution", "recorded_by", "created_at"]
        extra_kwargs = {
            "quantity": {"min_value": 1, "error_messages": {"min_value": QUANTITY_MESSAGE}},
            "value": {"help_text": _("Montant en chaîne décimale, ex. « 250.00 ».")},
            "currency": {"help_text": _("Devise ISO 4217 du montant, ex. MAD.")},
        }


class CounsellingSessionSerializer(serializers.ModelSerializer[CounsellingSession]):
    counsellor_username = serializers.CharField(source="counsellor.username", read_only=True)

    class Meta:
        model = CounsellingSession
        fields = [
            "id",
            "held_on",
            "counsellor",
            "counsellor_username",
            "topics",
            "interpreter_language",
            "created_at",
        ]
        read_only_fields = fields


class DeclarationSerializer(serializers.ModelSerializer[ReturnDeclaration]):
    """The signed declaration, without its scan."""

    class Meta:
        model = ReturnDeclaration
        fields = ["id", "signed_on", "signatory", "guardian_name", "recorded_at"]
        read_only_fields = fields


class NextStepSerializer(serializers.Serializer[Any]):
    to_status = serializers.ChoiceField(
        choices=[(target.value, target.label) for target in TRANSITION_TARGETS], read_only=True
    )
    to_status_label = serializers.CharField(read_only=True)
    allowed = serializers.BooleanField(
        read_only=True, help_text=_("Vrai quand plus rien ne manque pour ce changement.")
    )
    missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Ce qui manque encore pour passer à ce statut."),
    )


class CaseDetailSerializer(serializers.ModelSerializer[Case]):
    office_code = serializers.CharField(source="office.code", read_only=True)
    assigned_to_username = serializers.CharField(
        source="assigned_to.username", read_only=True, allow_null=True
    )
    referring_organisation = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", read_only=True, allow_null=True
    )
    people = PersonSerializer(many=True, read_only=True)
    assistance = AssistanceSerializer(many=True, read_only=True)
    counselling_sessions = CounsellingSessionSerializer(many=True, read_only=True)
    declarations = DeclarationSerializer(many=True, read_only=True)
    next_steps = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "priority",
            "office",
            "office_code",
            "assigned_to",
            "assigned_to_username",
            "referral_source",
            "referring_organisation",
            "return_reason",
            "registered_on",
            "assistance_started_on",
            "ready_on",
            "withdrawn_on",
            "withdrawal_reason",
            "justice_decision",
            "justice_decision_on",
            "justice_reference",
            "version",
            "created_at",
            "updated_at",
            "people",
            "assistance",
            "counselling_sessions",
            "declarations",
            "next_steps",
        ]
        read_only_fields = fields

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, case: Case) -> list[dict[str, Any]]:
        steps = [
            {
                "to_status": target.value,
                "to_status_label": target.label,
                "allowed": not missing,
                "missing": missing,
            }
            for target, missing in next_steps(case)
        ]
        return list(NextStepSerializer(steps, many=True).data)


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(read_only=True)


class CaseConflictSerializer(ConflictSerializer):
    current = CaseDetailSerializer(read_only=True, help_text=_("Le dossier tel qu'il est."))


class PersonConflictSerializer(ConflictSerializer):
    current = PersonSerializer(read_only=True, help_text=_("La fiche telle qu'elle est."))


# Write serializers -------------------------------------------------------------------


class PersonCreateSerializer(serializers.ModelSerializer[Person]):
    """A person to register, as `cases.services.PersonData`."""

    nationality = CountryCodeField()
    country_of_return = CountryCodeField(
        required=False,
        allow_blank=True,
        help_text=_("Par défaut, le pays de nationalité."),
    )
    birth_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1900,
        max_value=2100,
        help_text=_("Si seule l'année de naissance est connue."),
    )
    age = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("Âge déclaré, quand ni la date ni l'année de naissance ne sont connues."),
    )
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=VulnerabilityCode.choices), required=False
    )

    class Meta:
        model = Person
        fields = [
            "relationship",
            "family_name",
            "given_name",
            "family_name_ar",
            "given_name_ar",
            "sex",
            "birth_date",
            "birth_year",
            "age",
            "nationality",
            "country_of_return",
            "phone",
            "languages",
            "marital_status",
            "education_level",
            "occupation",
            "id_document_number",
            "travel_document_number",
            "vulnerabilities",
        ]


REFERRING_ORGANISATION_HELP = _(
    "Code de l'organisation référente : obligatoire et une ONG partenaire quand "
    "`referral_source` vaut `ngo` ; facultatif et un ministère ou service public pour "
    "`authority` ; absent pour les autres."
)


class CaseRegisterSerializer(serializers.ModelSerializer[Case]):
    people = PersonCreateSerializer(
        many=True,
        allow_empty=False,
        help_text=_("Le ou la demandeur·se principal·e et les proches qui rentrent avec."),
    )
    referring_organisation = organisation_field(
        required=False, allow_null=True, help_text=REFERRING_ORGANISATION_HELP
    )
    assigned_to = OfficeStaffField(
        required=False,
        allow_null=True,
        help_text=_("Agent·e du bureau ; par défaut, la personne qui enregistre."),
    )

    class Meta:
        model = Case
        fields = [
            "registered_on",
            "referral_source",
            "referring_organisation",
            "return_reason",
            "priority",
            "assigned_to",
            "people",
        ]
        extra_kwargs = {"registered_on": {"required": False}}


VERSION_HELP = _(
    "Obligatoire : la version de la fiche lue. Si quelqu'un l'a modifiée entre-temps, "
    "rien n'est enregistré (409)."
)


class CaseUpdateSerializer(serializers.ModelSerializer[Case]):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    referring_organisation = organisation_field(
        required=False, allow_null=True, help_text=REFERRING_ORGANISATION_HELP
    )

    class Meta:
        model = Case
        fields = ["version", *sorted(services.CASE_EDITABLE_FIELDS)]
        extra_kwargs = {name: {"required": False} for name in services.CASE_EDITABLE_FIELDS}


class PersonUpdateSerializer(serializers.ModelSerializer[Person]):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    nationality = CountryCodeField(required=False)
    country_of_return = CountryCodeField(required=False)

    class Meta:
        model = Person
        fields = ["version", *sorted(services.PERSON_EDITABLE_FIELDS)]
        extra_kwargs = {name: {"required": False} for name in services.PERSON_EDITABLE_FIELDS}


class TransitionSerializer(serializers.Serializer[Any]):
    to_status = serializers.ChoiceField(
        choices=[(target.value, target.label) for target in TRANSITION_TARGETS]
    )
    reason = serializers.CharField(
        default="",
        allow_blank=True,
        help_text=_("Motif ; obligatoire pour un désistement."),
    )


class AssignSerializer(serializers.Serializer[Any]):
    assigned_to = OfficeStaffField(help_text=_("Identifiant de l'agent·e du bureau du dossier."))
