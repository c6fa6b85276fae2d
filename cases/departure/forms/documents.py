"""Forms of the travel-document pages: a passport, a laissez-passer request and each of its
answers, and the request letter's choice of embassy and cases."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avrr.forms import (
    BootstrapMixin,
    DateInput,
    TextLimitsMixin,
    nationality_choices,
    not_in_future,
)
from cases.departure.models import Embassy, TravelDocument
from cases.models import Case, Person


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return str(obj)


class EmbassyChoiceField(forms.ModelChoiceField[Embassy]):
    def label_from_instance(self, obj: Embassy) -> str:
        return str(obj)


class PassportForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = TravelDocument
    person = PersonChoiceField(label=_("Personne"), queryset=Person.objects.none())
    number = forms.CharField(label=_("Numéro du passeport"), max_length=50)
    issuing_country = forms.ChoiceField(label=_("Pays de délivrance"), choices=nationality_choices)
    issued_on = forms.DateField(label=_("Délivré le"), widget=DateInput(), required=False)
    expires_on = forms.DateField(label=_("Expire le"), widget=DateInput())
    copy_held = forms.BooleanField(label=_("Copie conservée par l'OIM"), required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def clean_issued_on(self) -> date | None:
        return not_in_future(self.cleaned_data["issued_on"])


class LpcRequestForm(BootstrapMixin, forms.Form):
    person = PersonChoiceField(label=_("Personne"), queryset=Person.objects.none())
    embassy = EmbassyChoiceField(label=_("Ambassade ou consulat"), queryset=Embassy.objects.none())
    requested_on = forms.DateField(
        label=_("Demandé le"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(
        self, *args: Any, people: QuerySet[Person], embassies: QuerySet[Embassy], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        # Only the representations of the people's countries.
        self.fields["embassy"].queryset = embassies.filter(  # type: ignore[attr-defined]
            country__in=people.values("nationality")
        )

    def clean_requested_on(self) -> date | None:
        return not_in_future(self.cleaned_data["requested_on"])


class LpcInterviewForm(BootstrapMixin, forms.Form):
    interview_on = forms.DateField(label=_("Date de l'entretien"), widget=DateInput())


class LpcIssueForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = TravelDocument
    number = forms.CharField(label=_("Numéro du laissez-passer"), max_length=50)
    issued_on = forms.DateField(
        label=_("Délivré le"), widget=DateInput(), initial=timezone.localdate
    )
    expires_on = forms.DateField(label=_("Expire le"), widget=DateInput())

    def clean_issued_on(self) -> date | None:
        return not_in_future(self.cleaned_data["issued_on"])


class LpcRefuseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus donné par l'ambassade"), widget=forms.Textarea(attrs={"rows": 3})
    )


class LpcExpireForm(BootstrapMixin, forms.Form):
    """Nothing to type: the page says which laissez-passer expires, the button confirms."""


class LetterEmbassyForm(BootstrapMixin, forms.Form):
    embassy = EmbassyChoiceField(label=_("Ambassade ou consulat"), queryset=Embassy.objects.none())

    def __init__(self, *args: Any, embassies: QuerySet[Embassy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["embassy"].queryset = embassies  # type: ignore[attr-defined]


class CaseChoiceField(forms.ModelMultipleChoiceField[Case]):
    def label_from_instance(self, obj: Case) -> str:
        return obj.number


class LetterCasesForm(BootstrapMixin, forms.Form):
    cases = CaseChoiceField(
        label=_("Dossiers"), queryset=Case.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
