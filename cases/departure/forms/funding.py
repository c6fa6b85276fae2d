"""Forms of the funding part: a new agreement, an amendment, a case put on the waiting list."""

from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avrr.forms import BootstrapMixin, DateInput, TextLimitsMixin, not_in_future
from avrr.models import Organisation
from avrr.money import currency_choices
from cases.departure.models import FundingAgreement, FundingAmendment, FundingCovers
from cases.models import Case

CURRENCY_LABEL = _("Devise (ISO 4217)")


def _currency_field(label: Any = CURRENCY_LABEL) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=lambda: currency_choices(on=timezone.localdate()),
        initial=lambda: settings.PROGRAMME_CURRENCIES[0],
    )


class AgreementForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = FundingAgreement
    funder = forms.ModelChoiceField(
        label=_("Bailleur"), queryset=Organisation.objects.filter(is_active=True)
    )
    reference = forms.CharField(label=_("Référence"), max_length=50)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    covers = forms.ChoiceField(
        label=_("Prend en charge"), choices=FundingCovers.choices, initial=FundingCovers.TICKETS
    )
    ticket_quota = forms.IntegerField(
        label=_("Quota de billets"),
        min_value=1,
        required=False,
        help_text=_("Vide : pas de quota, seulement un budget."),
    )
    budget = forms.DecimalField(
        label=_("Budget"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Vide : pas de budget, seulement un quota."),
    )
    currency = _currency_field()
    valid_from = forms.DateField(label=_("Valable du"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valable jusqu'au"), widget=DateInput(), required=False)


class AmendmentForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = FundingAmendment
    reference = forms.CharField(label=_("Référence de l'avenant"), max_length=50)
    signed_on = forms.DateField(label=_("Signé le"), widget=DateInput(), initial=timezone.localdate)
    added_tickets = forms.IntegerField(label=_("Billets ajoutés"), min_value=0, initial=0)
    added_budget = forms.DecimalField(
        label=_("Budget ajouté"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    currency = _currency_field(_("Devise du budget ajouté"))

    def clean_signed_on(self) -> date | None:
        return not_in_future(self.cleaned_data["signed_on"])


class WaitForFundsForm(BootstrapMixin, forms.Form):
    """A `ready` case of the office, and the fare quoted for each of its people."""

    case = forms.ModelChoiceField(label=_("Dossier prêt au départ"), queryset=Case.objects.none())
    ticket_cost = forms.DecimalField(
        label=_("Coût d'un billet"), max_digits=12, decimal_places=2, min_value=0
    )
    currency = _currency_field()

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["case"]).queryset = cases
