"""Departure API: movements and their legs, tickets (booked per case, cancelled, no-show),
exit authorisations, the departure day, the departure itself; the expected arrivals of a
mission abroad. Objects come through cases.departure.access (out of reach: 404); writes go
through cases.departure.services.movements."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
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
from rest_framework.routers import SimpleRouter

from avrr.api import ServiceViewSet, require, schema_tag, url_pk
from avrr.schema import ErrorSerializer, NamedEnumField
from cases import access as case_access
from cases.api.fields import CountryCodeField
from cases.departure import access
from cases.departure.models import (
    DepartureCheck,
    ExitAuthorisation,
    Leg,
    Movement,
    MovementStatus,
    SpecialNeed,
    Ticket,
    TicketStatus,
)
from cases.departure.selectors import movements as selectors
from cases.departure.services import movements as services
from cases.models import Case, TravelMode

RESPONSE_409_NO_FUNDS = OpenApiResponse(
    ErrorSerializer,
    description=_("L'accord n'a plus de billet ou de budget : rien n'est réservé (`no_funds`)."),
)

# Serializers --------------------------------------------------------------------------


class LegSerializer(serializers.ModelSerializer[Leg]):
    class Meta:
        model = Leg
        fields = [
            "id",
            "order",
            "origin",
            "destination",
            "carrier",
            "number",
            "departs_at",
            "departure_time_zone",
            "arrives_at",
            "arrival_time_zone",
        ]
        read_only_fields = fields


class LegWriteSerializer(serializers.Serializer[Any]):
    origin = serializers.CharField(max_length=100)
    destination = serializers.CharField(max_length=100)
    carrier = serializers.CharField(max_length=100)
    number = serializers.CharField(max_length=20)
    departs_at = serializers.DateTimeField(help_text=_("Avec son décalage horaire (ISO 8601)."))
    departure_time_zone = serializers.CharField(
        max_length=64, help_text=_("Nom IANA, par exemple Africa/Casablanca.")
    )
    arrives_at = serializers.DateTimeField(help_text=_("Avec son décalage horaire (ISO 8601)."))
    arrival_time_zone = serializers.CharField(
        max_length=64, help_text=_("Nom IANA, par exemple Africa/Conakry.")
    )


class MovementSerializer(serializers.ModelSerializer[Movement]):
    office_code = serializers.CharField(source="office.code", read_only=True)
    destination_country = CountryCodeField(read_only=True)
    status = NamedEnumField(
        enum_name="MovementStatusEnum", choices=MovementStatus.choices, read_only=True
    )
    legs = LegSerializer(many=True, read_only=True)

    class Meta:
        model = Movement
        fields = [
            "id",
            "reference",
            "office",
            "office_code",
            "mode",
            "destination_country",
            "status",
            "legs",
            "created_at",
        ]
        read_only_fields = fields


class MovementCreateSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=TravelMode.choices)
    destination_country = CountryCodeField()


class ExitAuthorisationSerializer(serializers.ModelSerializer[ExitAuthorisation]):
    class Meta:
        model = ExitAuthorisation
        fields = ["pv_number", "issued_on", "police_station"]


class DepartureCheckSerializer(serializers.ModelSerializer[DepartureCheck]):
    class Meta:
        model = DepartureCheck
        fields = [
            "escorted_by",
            "baggage_checked_in",
            "currency_exchanged",
            "per_diem_amount",
            "per_diem_currency",
            "per_diem_receipt_signed",
            "reintegration_documents_signed",
            "border_passed",
        ]


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    movement_reference = serializers.CharField(source="movement.reference", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    status = NamedEnumField(
        enum_name="TicketStatusEnum", choices=TicketStatus.choices, read_only=True
    )
    special_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialNeed.choices), read_only=True
    )
    exit_authorisation = serializers.SerializerMethodField()
    departure_check = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "movement",
            "movement_reference",
            "case",
            "case_number",
            "person",
            "person_name",
            "number",
            "cost",
            "currency",
            "status",
            "status_reason",
            "special_needs",
            "escort",
            "exit_authorisation",
            "departure_check",
        ]
        read_only_fields = fields

    @extend_schema_field(ExitAuthorisationSerializer(allow_null=True))
    def get_exit_authorisation(self, ticket: Ticket) -> dict[str, Any] | None:
        record = getattr(ticket, "exit_authorisation", None)
        return ExitAuthorisationSerializer(record).data if record else None

    @extend_schema_field(DepartureCheckSerializer(allow_null=True))
    def get_departure_check(self, ticket: Ticket) -> dict[str, Any] | None:
        record = getattr(ticket, "departure_check", None)
        return DepartureCheckSerializer(record).data if record else None


class TravellerSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text=_("Une personne du dossier."))
    special_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialNeed.choices), required=False
    )
    escort = serializers.CharField(max_length=100, required=False, allow_blank=True)
    number = serializers.CharField(max_length=30, required=False, allow_blank=True)


class BookSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(help_text=_("Un dossier prêt au départ du même bureau."))
    agreement = serializers.IntegerField(help_text=_("L'accord de financement qui paie."))
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)
    out_of_order_reason = serializers.CharField(required=False, allow_blank=True)
    travellers = TravellerSerializer(many=True, required=False)


class CaseSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()


class CaseStatusSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    departed_on = serializers.DateField(allow_null=True)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ArrivalSerializer(serializers.Serializer[Any]):
    case_number = serializers.CharField()
    name = serializers.CharField()
    sex = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    movement = serializers.CharField()
    flight = serializers.CharField()
    arrives_at = serializers.DateTimeField(allow_null=True)
    arrival_time_zone = serializers.CharField()
    special_needs = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()


# Viewsets -----------------------------------------------------------------------------


def _movements(queryset: QuerySet[Movement]) -> QuerySet[Movement]:
    return queryset.select_related("office").prefetch_related(
        Prefetch("legs", queryset=Leg.objects.order_by("order"))
    )


@extend_schema(tags=[schema_tag(_("Départs"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des mouvements"),
        description=_("Les mouvements du bureau de l'utilisateur, avec leurs étapes."),
        responses={200: MovementSerializer(many=True)},
    )
)
class MovementViewSet(ServiceViewSet[Movement]):
    serializer_class = MovementSerializer

    def get_queryset(self) -> QuerySet[Movement]:
        return _movements(access.movements_for(self.request.user)).order_by("-created_at", "-pk")

    def _movement(self, pk: str) -> Movement:
        movement = access.movement_for(self.actor, url_pk(pk))
        require(access.can_change_movement(self.actor, movement))
        return movement

    def _detail(self, movement: Movement) -> dict[str, Any]:
        fresh = _movements(Movement.objects.filter(pk=movement.pk)).get()
        return dict(MovementSerializer(fresh).data)

    @extend_schema(
        summary=_("Créer un mouvement"),
        description=_("Un mouvement du bureau de l'utilisateur, numéroté MV-<bureau>-<année>-<n>."),
        request=MovementCreateSerializer,
        responses={201: MovementSerializer},
    )
    def create(self, request: Request) -> Response:
        require(access.can_work_on_departures(self.actor))
        serializer = MovementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        movement = services.movement_create(actor=self.actor, **serializer.validated_data)
        return Response(self._detail(movement), status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Détail d'un mouvement"), responses={200: MovementSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        movement = get_object_or_404(self.get_queryset(), pk=url_pk(pk))
        return Response(MovementSerializer(movement).data)

    @extend_schema(
        summary=_("Ajouter une étape"),
        description=_("Un vol ou un car ; l'arrivée suit le départ ; fuseaux horaires IANA."),
        request=LegWriteSerializer,
        responses={201: MovementSerializer},
    )
    @action(detail=True, methods=["post"])
    def legs(self, request: Request, pk: str) -> Response:
        movement = self._movement(pk)
        serializer = LegWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = services.LegData(**serializer.validated_data)
        services.leg_add(actor=self.actor, movement=movement, data=data)
        return Response(self._detail(movement), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Réserver les billets d'un dossier"),
        description=_(
            "Un billet pour chaque personne du dossier qui n'en a pas, tous ou aucun, payé "
            "par l'accord dans la même transaction. Refusé en disant de qui et quand si un "
            "document de voyage n'est pas valable le jour du voyage."
        ),
        request=BookSerializer,
        responses={201: TicketSerializer(many=True), 409: RESPONSE_409_NO_FUNDS},
    )
    @action(detail=True, methods=["post"])
    def book(self, request: Request, pk: str) -> Response:
        movement = self._movement(pk)
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = case_access.case_for(self.actor, data.pop("case"))
        agreement = get_object_or_404(access.agreements_for(self.actor), pk=data.pop("agreement"))
        travellers = {
            item["person"]: services.TravellerData(
                special_needs=item.get("special_needs", []),
                escort=item.get("escort", ""),
                number=item.get("number", ""),
            )
            for item in data.pop("travellers", [])
        }
        tickets = services.case_book(
            actor=self.actor,
            movement=movement,
            case=case,
            agreement=agreement,
            travellers=travellers,
            **data,
        )
        booked = _tickets(Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]))
        return Response(TicketSerializer(booked, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Annuler un mouvement"),
        description=_(
            "Chaque billet réservé est annulé et rendu à son accord ; les dossiers restent "
            "prêts au départ. Seulement un mouvement prévu."
        ),
        request=ReasonSerializer,
        responses={200: MovementSerializer},
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel_movement(self, request: Request, pk: str) -> Response:
        movement = self._movement(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.movement_cancel(
            actor=self.actor, movement=movement, reason=serializer.validated_data["reason"]
        )
        return Response(self._detail(movement))

    @extend_schema(
        summary=_("Départ effectué pour un dossier"),
        description=_(
            "Les billets du dossier utilisés, le dossier « parti » à la date du voyage ; "
            "sinon la réponse 400 dit ce qui manque, pour qui."
        ),
        request=CaseSerializer,
        responses={200: CaseStatusSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        movement = self._movement(pk)
        serializer = CaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = (
            movement.tickets.select_related("case")
            .filter(case_id=serializer.validated_data["case"])
            .first()
        )
        if ticket is None:
            raise Http404
        case: Case = services.departure_complete(actor=self.actor, case=ticket.case)
        return Response(
            {
                "case": case.pk,
                "number": case.number,
                "status": case.status,
                "departed_on": case.departed_on,
            }
        )


def _tickets(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related(
        "movement", "case", "person", "exit_authorisation", "departure_check"
    ).order_by("movement", "case", "pk")


@extend_schema(tags=[schema_tag(_("Départs"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Liste des billets"),
        description=_("Les billets des mouvements du bureau de l'utilisateur."),
        responses={200: TicketSerializer(many=True)},
    )
)
class TicketViewSet(ServiceViewSet[Ticket]):
    serializer_class = TicketSerializer

    def get_queryset(self) -> QuerySet[Ticket]:
        return _tickets(access.tickets_for(self.request.user))

    def _ticket(self, pk: str) -> Ticket:
        ticket = access.ticket_for(self.actor, url_pk(pk))
        require(access.can_change_departure(self.actor, ticket.case))
        return ticket

    def _detail(self, ticket: Ticket) -> dict[str, Any]:
        return dict(TicketSerializer(_tickets(Ticket.objects.filter(pk=ticket.pk)).get()).data)

    @extend_schema(summary=_("Détail d'un billet"), responses={200: TicketSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        ticket = get_object_or_404(self.get_queryset(), pk=url_pk(pk))
        return Response(TicketSerializer(ticket).data)

    @extend_schema(
        summary=_("Annuler un billet"),
        description=_("Le billet ne sera pas utilisé : l'accord retrouve son billet."),
        request=ReasonSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.ticket_cancel(actor=self.actor, ticket=ticket, **serializer.validated_data)
        return Response(self._detail(ticket))

    @extend_schema(
        summary=_("Non-présentation au départ"),
        description=_(
            "Rayé du manifeste, l'accord retrouve son billet ; le dossier reste prêt au départ."
        ),
        request=ReasonSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.ticket_no_show(actor=self.actor, ticket=ticket, **serializer.validated_data)
        return Response(self._detail(ticket))

    @extend_schema(
        summary=_("Enregistrer l'autorisation de sortie"),
        description=_(
            "Le PV de police, fait sur le billet et le document de voyage : il faut les deux."
        ),
        request=ExitAuthorisationSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"], url_path="exit-authorisation")
    def exit_authorisation(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        serializer = ExitAuthorisationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.exit_authorisation_record(
            actor=self.actor, ticket=ticket, **serializer.validated_data
        )
        return Response(self._detail(ticket))

    @extend_schema(
        summary=_("Mettre à jour le jour du départ"),
        description=_("La liste du jour du départ du voyageur, telle qu'elle est maintenant."),
        request=DepartureCheckSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"], url_path="departure-check")
    def departure_check(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        serializer = DepartureCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = services.CheckData(**serializer.validated_data)
        services.departure_check_update(actor=self.actor, ticket=ticket, data=data)
        return Response(self._detail(ticket))


@extend_schema(tags=[schema_tag(_("Départs"))])
@extend_schema_view(
    list=extend_schema(
        summary=_("Arrivées attendues"),
        description=_(
            "Pour la mission du pays de retour : les personnes en route, dès la réservation "
            "(nom, sexe, âge, dossier, vol, arrivée à l'heure locale, besoins particuliers)."
        ),
        responses={200: ArrivalSerializer(many=True)},
    )
)
class ArrivalViewSet(ServiceViewSet[Ticket]):
    serializer_class = ArrivalSerializer
    # A short list, in order of arrival, read whole.
    pagination_class = None

    def get_queryset(self) -> QuerySet[Ticket]:
        return access.expected_arrivals_for(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        arrivals = selectors.expected_arrivals(self.get_queryset())
        return Response(ArrivalSerializer(arrivals, many=True).data)


router = SimpleRouter()
router.register("movements", MovementViewSet, basename="api-movement")
router.register("tickets", TicketViewSet, basename="api-ticket")
router.register("arrivals", ArrivalViewSet, basename="api-arrival")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
