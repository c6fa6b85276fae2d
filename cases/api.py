"""The cases REST API, under /api/v1/: cases, their people and the assistance given.

Views stay thin: they parse with a serializer, call a service of `cases.services` and
serialize the result. Every object is read through `cases.access`, so one the user may not
see is answered 404 like one that does not exist. Service errors are mapped onto HTTP:
PermissionDenied → 403, ValidationError → 400 with its messages, EditConflict → 409 with
the record as it now is.

Sensitive notes and attachments are not exposed by the API.
"""

from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from avrr.api import (
    RESPONSE_400,
    RESPONSE_403,
    ServiceViewSet,
    require,
    schema_tag,
    url_pk,
)
from avrr.models import Organisation, User
from avrr.rules import AnyUser
from cases import access, selectors, services
from cases.models import (
    MAX_AGE,
    Assistance,
    AssistanceKind,
    Case,
    CaseStatus,
    CounsellingSession,
    Person,
    ReturnDeclaration,
    VulnerabilityCode,
)
from cases.selectors import CaseFilter
from cases.services import PersonData
from cases.workflow import allowed_targets, next_steps

_M = TypeVar("_M", bound=Model)

# The statuses a case can be moved to: every target of an allowed transition, in the
# order of CaseStatus. ("registered" is where a case starts, never where it goes.)
TRANSITION_TARGETS = [
    case_status
    for case_status in CaseStatus
    if any(case_status in allowed_targets(source) for source in CaseStatus)
]


# Fields ------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Z]{2}$",
        "description": _("Code pays ISO 3166-1 alpha-2 (ex. GN)."),
    }
)
class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 country code, accepted in any case.

    Described as a plain string in the schema: an enum of every country, repeated under
    several field names, would only weigh down the schema.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[code for code, _name in countries], **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(str(data).strip().upper()))

    def to_representation(self, value: Any) -> str:
        return str(value) if value else ""


class OfficeStaffField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A caseworker or supervisor (user id) among the staff the requesting user works with."""

    def __init__(self, **kwargs: Any) -> None:
        # The queryset only tells the schema the type; the choices depend on the user.
        super().__init__(queryset=User.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[User]:
        request = self.context.get("request")
        user: AnyUser = request.user if request is not None else AnonymousUser()
        return access.caseworkers_for(user)


def organisation_field(**kwargs: Any) -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    """An organisation given and shown by its code (e.g. NGO1)."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(is_active=True), **kwargs
    )


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
        slug_field="code", read_only=True
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


class CaseRegisterSerializer(serializers.ModelSerializer[Case]):
    people = PersonCreateSerializer(
        many=True,
        allow_empty=False,
        help_text=_("Le ou la demandeur·se principal·e et les proches qui rentrent avec."),
    )
    referring_organisation = organisation_field(
        required=False, allow_null=True, help_text=_("Code de l'organisation référente.")
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
        required=False, allow_null=True, help_text=_("Code de l'organisation référente.")
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


# Filters -----------------------------------------------------------------------------


class IdFilter(django_filters.Filter):
    """An object's id. One the user cannot see just matches nothing."""

    field_class = forms.IntegerField


class PersonFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case", label=_("Dossier"))

    class Meta:
        model = Person
        fields = ["case"]


class AssistanceFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case", label=_("Dossier"))
    person = IdFilter(field_name="person", label=_("Personne"))
    kind = django_filters.ChoiceFilter(label=_("Type d'assistance"), choices=AssistanceKind.choices)
    given_after = django_filters.DateFilter(
        label=_("Donnée à partir du"), field_name="given_on", lookup_expr="gte"
    )
    given_before = django_filters.DateFilter(
        label=_("Donnée jusqu'au"), field_name="given_on", lookup_expr="lte"
    )

    class Meta:
        model = Assistance
        fields = ["case", "person", "kind", "given_after", "given_before"]


# Views -------------------------------------------------------------------------------


RESPONSE_404_CASE = OpenApiResponse(
    description=_("Dossier inexistant, ou que cet utilisateur ne peut pas voir.")
)
RESPONSE_404_PERSON = OpenApiResponse(
    description=_("Personne inexistante, ou que cet utilisateur ne peut pas voir.")
)


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
        responses={201: CaseDetailSerializer, 400: RESPONSE_400, 403: RESPONSE_403},
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
            400: RESPONSE_400,
            403: RESPONSE_403,
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
