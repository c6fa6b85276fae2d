"""Forms of the case pages. They parse and check input; the services do the writing."""

from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avrr.forms import (
    BootstrapMixin,
    DateInput,
    TextLimitsMixin,
    nationality_choices,
    not_in_future,
)
from avrr.models import Organisation, User
from avrr.money import currency_choices
from cases.models import (
    MAX_AGE,
    QUANTITY_MESSAGE,
    AssistanceKind,
    Attachment,
    Case,
    EducationLevel,
    MaritalStatus,
    Person,
    Priority,
    ReferralSource,
    Relationship,
    ReturnDeclaration,
    SensitiveNote,
    Sex,
    VulnerabilityCode,
)
from cases.services import (
    CASE_EDITABLE_FIELDS,
    PERSON_EDITABLE_FIELDS,
    PersonData,
    referring_organisation_problem,
)


def _check_referring_organisation(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """The service's rule, said beside the field."""
    if "referral_source" not in data or "referring_organisation" in form.errors:
        return
    problem = referring_organisation_problem(
        data["referral_source"], data.get("referring_organisation")
    )
    if problem:
        form.add_error("referring_organisation", problem)


class CaseForm(BootstrapMixin, forms.Form):
    registered_on = forms.DateField(
        label=_("Date d'enregistrement"), widget=DateInput(), initial=timezone.localdate
    )
    referral_source = forms.ChoiceField(
        label=_("Comment la personne est venue"), choices=ReferralSource.choices
    )
    referring_organisation = forms.ModelChoiceField(
        label=_("Organisation référente"),
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.NGO, Organisation.Kind.GOVERNMENT], is_active=True
        ),
        required=False,
    )
    return_reason = forms.CharField(
        label=_("Motif du retour"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Pourquoi la personne souhaite rentrer."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priorité"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )

    def clean_registered_on(self) -> date | None:
        return not_in_future(self.cleaned_data["registered_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_referring_organisation(self, data)
        return data


class PersonForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = Person
    # A missing or impossible birth is said of the person, next to these fields.
    form_error_fields = ("birth_date", "birth_year", "age")

    relationship = forms.ChoiceField(label=_("Lien"), choices=Relationship.choices)
    family_name = forms.CharField(label=_("Nom"), max_length=100)
    given_name = forms.CharField(label=_("Prénom"), max_length=100)
    family_name_ar = forms.CharField(label=_("Nom (arabe)"), max_length=100, required=False)
    given_name_ar = forms.CharField(label=_("Prénom (arabe)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput(), required=False)
    birth_year = forms.IntegerField(
        label=_("ou année de naissance"), min_value=1900, max_value=2100, required=False
    )
    age = forms.IntegerField(label=_("ou âge"), min_value=0, max_value=MAX_AGE, required=False)
    nationality = forms.ChoiceField(label=_("Nationalité"), choices=nationality_choices)
    country_of_return = forms.ChoiceField(
        label=_("Pays de retour"),
        choices=lambda: nationality_choices(_("Comme la nationalité")),
        required=False,
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    languages = forms.CharField(label=_("Langues parlées"), max_length=200, required=False)
    marital_status = forms.ChoiceField(
        label=_("Situation familiale"),
        choices=[("", "—"), *MaritalStatus.choices],
        required=False,
    )
    education_level = forms.ChoiceField(
        label=_("Niveau d'études"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    occupation = forms.CharField(label=_("Profession"), max_length=100, required=False)
    id_document_number = forms.CharField(
        label=_("N° de pièce d'identité"), max_length=50, required=False
    )
    travel_document_number = forms.CharField(
        label=_("N° de document de voyage"), max_length=50, required=False
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnérabilités"),
        choices=VulnerabilityCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) is not None for name in ("birth_date", "birth_year", "age")):
            raise forms.ValidationError(
                _("Indiquez la date de naissance, l'année de naissance ou l'âge.")
            )
        return data

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            **{name: data[name] for name in PersonData.__dataclass_fields__ if name in data}
        )


class BasePeopleFormSet(forms.BaseFormSet[PersonForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        principals = [
            form
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("relationship") == Relationship.PRINCIPAL
        ]
        if len(principals) != 1:
            raise forms.ValidationError(_("Indiquez exactement un·e demandeur·se principal·e."))


PeopleFormSet = forms.formset_factory(
    PersonForm, formset=BasePeopleFormSet, extra=0, min_num=1, validate_min=True, max_num=15
)


def _identity_typed(typed: dict[str, Any]) -> PersonData:
    def text(name: str) -> str:
        return str(typed.get(name) or "")

    return PersonData(
        family_name=text("family_name"),
        given_name=text("given_name"),
        nationality=text("nationality"),
        id_document_number=text("id_document_number"),
        travel_document_number=text("travel_document_number"),
        sex="",
        birth_date=typed.get("birth_date"),
        birth_year=typed.get("birth_year"),
        age=typed.get("age"),
    )


def people_typed(data: Any) -> list[PersonData]:
    """What the registration form holds so far of each person's identity (the fields valid
    so far), for the duplicate check made while it is typed."""
    formset = PeopleFormSet(data, prefix="people")
    formset.is_valid()
    return [_identity_typed(form.cleaned_data) for form in formset.forms]


class LinkAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[
            ("same", _("C'est la même personne")),
            ("different", _("Personne différente")),
        ]
    )


class KnownPeopleCheckForm(forms.Form):
    """Shown on saving a registration that resembles known people."""

    known_people_checked = forms.BooleanField(
        label=_("J'ai vérifié : ce sont d'autres personnes, ouvrir le dossier."),
        required=False,
    )


class PersonEditForm(TextLimitsMixin, BootstrapMixin, forms.ModelForm[Person]):
    version = forms.IntegerField(widget=forms.HiddenInput)
    nationality = forms.ChoiceField(label=_("Nationalité"), choices=nationality_choices)
    country_of_return = forms.ChoiceField(label=_("Pays de retour"), choices=nationality_choices)

    class Meta:
        model = Person
        fields = list(PERSON_EDITABLE_FIELDS)
        widgets = {"birth_date": DateInput()}


class CaseEditForm(TextLimitsMixin, BootstrapMixin, forms.ModelForm[Case]):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = list(CASE_EDITABLE_FIELDS)
        widgets = {
            "justice_decision_on": DateInput(),
            "return_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # As at registration, and the organisation already named even if no longer active.
        named = Q(is_active=True) | Q(pk=self.instance.referring_organisation_id)
        field = cast(forms.ModelChoiceField[Organisation], self.fields["referring_organisation"])
        field.queryset = Organisation.objects.filter(
            named, kind__in=[Organisation.Kind.NGO, Organisation.Kind.GOVERNMENT]
        )

    def clean_justice_decision_on(self) -> date | None:
        return not_in_future(self.cleaned_data["justice_decision_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_referring_organisation(self, data)
        return data


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only `queryset` in the form's model choice field `name`."""
    cast(forms.ModelChoiceField[Any], form.fields[name]).queryset = queryset


class AssistanceForm(BootstrapMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Bénéficiaires"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("Type d'assistance"), choices=AssistanceKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    quantity = forms.IntegerField(
        label=_("Quantité"),
        min_value=1,
        initial=1,
        error_messages={"min_value": QUANTITY_MESSAGE},
    )
    value = forms.DecimalField(
        label=_("Valeur unitaire"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    currency = forms.ChoiceField(
        label=_("Devise (ISO 4217)"),
        choices=lambda: currency_choices(on=timezone.localdate()),
        required=False,
        initial=lambda: settings.PROGRAMME_CURRENCIES[0],
    )
    provider = forms.ModelChoiceField(
        label=_("Organisation prestataire"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_given_on(self) -> date | None:
        return not_in_future(self.cleaned_data["given_on"])

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "given_on": data["given_on"],
            "quantity": data["quantity"],
            "value": data["value"],
            "currency": data["currency"] or "",
            "provider": data["provider"],
            "note": data["note"],
        }


class DistributionForm(AssistanceForm):
    """A distribution day: the same assistance to people of several cases.

    The page shows the assistance's fields, then the people grouped by case (by hand).
    """

    def assistance_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name != "people"]


class CounsellingForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    topics = forms.CharField(label=_("Sujets abordés"), widget=forms.Textarea(attrs={"rows": 3}))
    interpreter_language = forms.CharField(
        label=_("Langue de l'interprète"), max_length=50, required=False
    )

    def clean_held_on(self) -> date | None:
        return not_in_future(self.cleaned_data["held_on"])


class DeclarationForm(TextLimitsMixin, BootstrapMixin, forms.Form):
    text_model = ReturnDeclaration
    signatory = forms.ModelChoiceField(label=_("Personne"), queryset=Person.objects.none())
    signed_on = forms.DateField(
        label=_("Signée le"), widget=DateInput(), initial=timezone.localdate
    )
    guardian_name = forms.CharField(
        label=_("Tuteur·rice signataire (pour un mineur)"), max_length=200, required=False
    )
    scan = forms.FileField(label=_("Scan signé (PDF, JPEG ou PNG)"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "signatory", case.people.all())

    def clean_signed_on(self) -> date | None:
        return not_in_future(self.cleaned_data["signed_on"])


class AttachmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Attachment.Kind.choices)
    person = forms.ModelChoiceField(
        label=_("Personne"), queryset=Person.objects.none(), required=False
    )
    document_date = forms.DateField(label=_("Date du document"), widget=DateInput(), required=False)
    file = forms.FileField(label=_("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "person", case.people.all())


class SensitiveNoteForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=SensitiveNote.Kind.choices)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawalForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du désistement"), widget=forms.Textarea(attrs={"rows": 3})
    )
    withdrawn_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def clean_withdrawn_on(self) -> date | None:
        return not_in_future(self.cleaned_data["withdrawn_on"])


class CaseworkerChoiceField(forms.ModelChoiceField[User]):
    """Caseworkers by their names, as colleagues know them, not by their user names."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class AssignForm(BootstrapMixin, forms.Form):
    # No empty choice: the control starts on the case's caseworker (the view's `initial`).
    assigned_to = CaseworkerChoiceField(
        label=_("Assigner à"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, caseworkers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "assigned_to", caseworkers)
