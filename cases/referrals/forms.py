"""Forms of the referral pages (partner NGOs and IOM triage)."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avrr.forms import (
    BootstrapMixin,
    DateInput,
    TextLimitsMixin,
    nationality_choices,
    not_in_future,
)
from avrr.models import Organisation
from cases.models import MAX_AGE, Attachment, Relationship, Sex, VulnerabilityCode
from cases.referrals.models import Referral, ReferredPerson, Urgency
from cases.referrals.services import ReferralData, ReferredPersonData


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReferralForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = Referral
    office = forms.ModelChoiceField(
        label=_("Bureau de l'OIM destinataire"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.IOM_OFFICE, is_active=True),
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgence"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    reason = forms.CharField(
        label=_("Motif du référencement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pourquoi la personne souhaite rentrer, et ce qui presse."),
    )
    contact_phone = forms.CharField(label=_("Téléphone de contact"), max_length=32, required=False)
    consent = forms.BooleanField(
        label=_(
            "La personne a consenti à ce que ses données soient partagées avec l'OIM pour "
            "l'organisation de son retour."
        ),
        error_messages={"required": _("Sans le consentement de la personne, rien n'est envoyé.")},
    )
    consent_given_on = forms.DateField(
        label=_("Consentement donné le"), widget=DateInput(), initial=timezone.localdate
    )
    consent_taken_by = forms.CharField(label=_("Consentement recueilli par"), max_length=200)
    documents_kind = forms.ChoiceField(
        label=_("Type des documents joints"),
        choices=Attachment.Kind.choices,
        initial=Attachment.Kind.IDENTITY_DOCUMENT,
        required=False,
    )
    documents = MultipleFileField(
        label=_("Documents (PDF, JPEG ou PNG, 10 Mo au plus chacun)"), required=False
    )

    def clean_consent_given_on(self) -> date | None:
        return not_in_future(self.cleaned_data["consent_given_on"])

    @classmethod
    def initial_from(cls, referral: Referral) -> dict[str, Any]:
        return {
            "office": referral.office_id,
            "urgency": referral.urgency,
            "reason": referral.reason,
            "contact_phone": referral.contact_phone,
            "consent": True,
            "consent_given_on": referral.consent_given_on,
            "consent_taken_by": referral.consent_taken_by,
        }

    def referral_data(self, people: list[ReferredPersonData]) -> ReferralData:
        data = self.cleaned_data
        kind = data.get("documents_kind") or Attachment.Kind.OTHER
        return ReferralData(
            office=data["office"],
            people=people,
            reason=data["reason"],
            consent_given_on=data["consent_given_on"],
            consent_taken_by=data["consent_taken_by"],
            urgency=data["urgency"],
            contact_phone=data["contact_phone"],
            attachments=[(kind, upload) for upload in data.get("documents") or []],
        )


class ReferredPersonForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = ReferredPerson
    # A missing or impossible birth is said of the person, next to these fields.
    form_error_fields = ("birth_date", "age")

    relationship = forms.ChoiceField(label=_("Lien"), choices=Relationship.choices)
    family_name = forms.CharField(label=_("Nom"), max_length=100)
    given_name = forms.CharField(label=_("Prénom"), max_length=100)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput(), required=False)
    age = forms.IntegerField(label=_("ou âge"), min_value=0, max_value=MAX_AGE, required=False)
    nationality = forms.ChoiceField(label=_("Nationalité"), choices=nationality_choices)
    languages = forms.CharField(label=_("Langues parlées"), max_length=200, required=False)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnérabilités"),
        choices=VulnerabilityCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("birth_date") is None and data.get("age") is None:
            raise forms.ValidationError(_("Indiquez la date de naissance ou l'âge."))
        return data

    def person_data(self) -> ReferredPersonData:
        data = self.cleaned_data
        return ReferredPersonData(
            **{name: data[name] for name in ReferredPersonData.__dataclass_fields__ if name in data}
        )


ReferredPeopleFormSet = forms.formset_factory(
    ReferredPersonForm, extra=0, min_num=1, validate_min=True, max_num=15
)


def people_initial(referral: Referral) -> list[dict[str, Any]]:
    return [
        {
            "relationship": person.relationship,
            "family_name": person.family_name,
            "given_name": person.given_name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "age": person.age,
            "nationality": str(person.nationality),
            "languages": person.languages,
            "vulnerabilities": person.vulnerabilities,
        }
        for person in referral.people.all()
    ]


class DeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (l'ONG le lira)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Fichier (XLSX ou CSV)"))
