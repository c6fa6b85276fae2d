"""Forms of the movement pages: they parse what is typed into what the services take."""

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avrr.forms import BootstrapMixin, DateInput, TextLimitsMixin, country_choices, not_in_future
from avrr.money import currency_choices
from cases.departure.models import (
    DepartureCheck,
    ExitAuthorisation,
    FundingAgreement,
    Leg,
    SpecialNeed,
    Ticket,
)
from cases.departure.services.movements import CheckData, LegData, TravellerData
from cases.models import Case, TravelMode

DATETIME_ENTRY_FORMAT = "%Y-%m-%dT%H:%M"


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones())]


class MovementForm(BootstrapMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Mode de voyage"), choices=TravelMode.choices)
    destination_country = forms.ChoiceField(
        label=_("Pays de destination"), choices=lambda: [("", "—"), *country_choices()]
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_ENTRY_FORMAT, attrs={"dir": "ltr"})


class LegForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    """Times are typed as the clocks at each end show them, with their zone."""

    text_model = Leg

    origin = forms.CharField(label=_("De"), max_length=100)
    destination = forms.CharField(label=_("À"), max_length=100)
    carrier = forms.CharField(label=_("Transporteur"), max_length=100)
    number = forms.CharField(label=_("Numéro de vol ou de car"), max_length=20)
    departs_at = forms.DateTimeField(
        label=_("Départ (heure locale)"),
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_ENTRY_FORMAT],
    )
    departure_time_zone = forms.ChoiceField(
        label=_("Fuseau horaire du départ"), choices=_time_zone_choices, initial="Africa/Casablanca"
    )
    arrives_at = forms.DateTimeField(
        label=_("Arrivée (heure locale)"),
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_ENTRY_FORMAT],
    )
    arrival_time_zone = forms.ChoiceField(
        label=_("Fuseau horaire de l'arrivée"), choices=lambda: [("", "—"), *_time_zone_choices()]
    )

    @staticmethod
    def initial_for(leg: Leg) -> dict[str, Any]:
        def wall(moment: datetime, zone: str) -> str:
            return moment.astimezone(ZoneInfo(zone)).strftime(DATETIME_ENTRY_FORMAT)

        return {
            "origin": leg.origin,
            "destination": leg.destination,
            "carrier": leg.carrier,
            "number": leg.number,
            "departs_at": wall(leg.departs_at, leg.departure_time_zone),
            "departure_time_zone": leg.departure_time_zone,
            "arrives_at": wall(leg.arrives_at, leg.arrival_time_zone),
            "arrival_time_zone": leg.arrival_time_zone,
        }

    def leg_data(self) -> LegData:
        data = self.cleaned_data

        def at(name: str, zone: str) -> datetime:
            # Django read the time in the site's zone: the clock time, in the leg's zone.
            wall = timezone.make_naive(data[name])
            return wall.replace(tzinfo=ZoneInfo(data[zone]))

        return LegData(
            origin=data["origin"],
            destination=data["destination"],
            carrier=data["carrier"],
            number=data["number"],
            departs_at=at("departs_at", "departure_time_zone"),
            departure_time_zone=data["departure_time_zone"],
            arrives_at=at("arrives_at", "arrival_time_zone"),
            arrival_time_zone=data["arrival_time_zone"],
        )


class AgreementChoiceField(forms.ModelChoiceField[FundingAgreement]):
    def label_from_instance(self, obj: FundingAgreement) -> str:
        return str(obj)


class CaseChoiceField(forms.ModelChoiceField[Case]):
    def label_from_instance(self, obj: Case) -> str:
        principal = next((person for person in obj.people.all() if person.is_principal), None)
        return f"{obj.number} — {principal}" if principal else obj.number


class BookCaseForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    """Every person of a case on the movement, each ticket at the same cost."""

    case = CaseChoiceField(label=_("Dossier"), queryset=Case.objects.none())
    agreement = AgreementChoiceField(
        label=_("Accord de financement"), queryset=FundingAgreement.objects.none()
    )
    cost = forms.DecimalField(
        label=_("Coût d'un billet"), min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(
        label=_("Devise"), choices=lambda: currency_choices(on=timezone.localdate())
    )
    out_of_order_reason = forms.CharField(
        label=_("Motif hors de l'ordre de la liste d'attente"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        cases: QuerySet[Case],
        agreements: QuerySet[FundingAgreement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(CaseChoiceField, self.fields["case"]).queryset = cases.prefetch_related("people")
        cast(AgreementChoiceField, self.fields["agreement"]).queryset = agreements


class TicketForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = Ticket

    number = forms.CharField(label=_("Numéro de billet"), max_length=30, required=False)
    special_needs = forms.MultipleChoiceField(
        label=_("Besoins particuliers"),
        choices=SpecialNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    escort = forms.CharField(label=_("Escorte"), max_length=100, required=False)

    def traveller(self) -> TravellerData:
        return TravellerData(**self.cleaned_data)


class ExitAuthorisationForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = ExitAuthorisation

    pv_number = forms.CharField(label=_("Numéro du PV"), max_length=50)
    issued_on = forms.DateField(
        label=_("Établi le"), widget=DateInput(), initial=timezone.localdate
    )
    police_station = forms.CharField(label=_("Commissariat"), max_length=150)

    def clean_issued_on(self) -> Any:
        return not_in_future(self.cleaned_data["issued_on"])


class ReasonForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = Ticket

    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))


class CheckForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    """One traveller's departure day."""

    text_model = DepartureCheck

    escorted_by = forms.CharField(
        label=_("Accompagné·e à l'aéroport par"), max_length=100, required=False
    )
    baggage_checked_in = forms.BooleanField(
        label=_("Bagages enregistrés, carte d'embarquement"), required=False
    )
    currency_exchanged = forms.BooleanField(label=_("Change effectué"), required=False)
    per_diem_amount = forms.DecimalField(
        label=_("Pécule remis"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    per_diem_currency = forms.ChoiceField(
        label=_("Devise du pécule"),
        required=False,
        choices=lambda: [("", "—"), *currency_choices(on=timezone.localdate())],
    )
    per_diem_receipt_signed = forms.BooleanField(label=_("Reçu du pécule signé"), required=False)
    reintegration_documents_signed = forms.BooleanField(
        label=_("Documents de réintégration signés"), required=False
    )
    border_passed = forms.BooleanField(label=_("Poste frontière passé"), required=False)

    @staticmethod
    def initial_for(check: DepartureCheck | None, defaults: CheckData) -> dict[str, Any]:
        source: object = check if check is not None else defaults
        return {name: getattr(source, name) for name in CheckData.__dataclass_fields__}

    def check_data(self) -> CheckData:
        return CheckData(**self.cleaned_data)
