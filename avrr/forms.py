"""Form helpers shared by every app's pages."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise

from avrr.texts import no_bidi_controls, refuses_bidi_controls, too_long_error


class BootstrapMixin:
    """Gives every widget Bootstrap's classes; a required one says so to screen readers, and
    one in error is marked invalid (Django adds `aria-invalid` and `aria-describedby`)."""

    fields: dict[str, forms.Field]
    prefix: str | None
    # The fields a form-wide error (from `clean()`) is about: they are marked invalid and
    # described by it, as a field's own error would be.
    form_error_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                # Given to each of the group's inputs.
                widget.attrs["class"] = "form-check-input"
                continue
            # Formsets render their forms without `required`: aria-required says it anyway.
            if field.required:
                widget.attrs["aria-required"] = "true"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        # `_errors` is set by the form's own full_clean, which this mixin goes before.
        errors = getattr(self, "_errors", None) or {}
        names = [*errors]
        if NON_FIELD_ERRORS in errors:
            names += self.form_error_fields
            for name in self.form_error_fields:
                # The id the form's errors have in templates/includes/form_fields.html.
                self.fields[name].widget.attrs["aria-describedby"] = self.form_errors_id
                self.fields[name].widget.attrs["aria-invalid"] = "true"
        for name in names:
            field = self.fields.get(name)
            if field is None or "is-invalid" in field.widget.attrs.get("class", ""):
                continue
            field.widget.attrs["class"] = (
                f"{field.widget.attrs.get('class', '')} is-invalid".strip()
            )

    @property
    def form_errors_id(self) -> str:
        """The id of the element that shows the form-wide errors."""
        return f"{self.prefix or 'form'}-errors"


class FilterForm(BootstrapMixin, forms.Form):
    """The form behind a list's filters (a django-filter FilterSet's `Meta.form`)."""


# How a date is typed, whatever the language (see DateInput).
DATE_ENTRY_FORMAT = "%d/%m/%Y"
DATE_PLACEHOLDER = _("jj/mm/aaaa")

# Digits a person may type on an Arabic keyboard, read as the Western digits the
# deployment writes (`avrr/formats`).
ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


class DateInput(forms.DateInput):
    """A date typed day first, 30/11/2026, in every language, as pages show dates. (The
    browser's own date field writes them in the order of the browser's locale, which is not
    the page's: 11/30/2026 in an English browser.) ISO 8601 is accepted too; see
    DATE_INPUT_FORMATS in `avrr/formats`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            # Left to right in Arabic too, as dates are shown: day first, on the left.
            attrs={
                "placeholder": DATE_PLACEHOLDER,
                "autocomplete": "off",
                "dir": "ltr",
                **(attrs or {}),
            },
            format=DATE_ENTRY_FORMAT,
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.translate(ARABIC_INDIC_DIGITS).strip() if isinstance(value, str) else value


def country_choices() -> list[tuple[str, str]]:
    """The countries the deployment offers (settings.COUNTRIES_OVERRIDE), by name."""
    # Called at each rendering, so the names are in the user's language.
    return [(code, str(name)) for code, name in countries]


CountryGroups = list[tuple[str, list[tuple[str, str]]]]


def country_groups() -> CountryGroups:
    """The programme's main nationalities (settings.MAIN_NATIONALITIES), then the others."""
    main = set(settings.MAIN_NATIONALITIES)
    choices = country_choices()
    return [
        (str(_("Principales nationalités")), [choice for choice in choices if choice[0] in main]),
        (str(_("Autres pays")), [choice for choice in choices if choice[0] not in main]),
    ]


def nationality_choices(
    blank: StrOrPromise = "—",
) -> list[tuple[str, str | list[tuple[str, str]]]]:
    """A country to choose: `country_groups()` after an empty first choice, so that no
    country is taken by default."""
    return [("", str(blank)), *country_groups()]


def not_in_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("La date est dans le futur."))
    return value


@dataclass(frozen=True)
class _TextLimit:
    label: str
    limit: int

    def __call__(self, value: str) -> None:
        if len(value) > self.limit:
            raise too_long_error(self.label, self.limit, len(value))


class TextLimitsMixin:
    """Text longer than its field allows is refused with a message naming the field and its
    limit. Browsers silently cut what is typed or pasted past an input's `maxlength` (a
    5,000-character name would be saved as its first 100), so they are not given it.

    A field of `text_model`'s name that refuses direction controls (`avrr.texts`) refuses
    them here too. (A model form needs none: it validates its instance with the model's
    validators.)"""

    fields: dict[str, forms.Field]
    text_model: type[Model] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and self._refuses_bidi_controls(name):
                field.validators = [*field.validators, no_bidi_controls]
            if not isinstance(field, forms.CharField) or field.max_length is None:
                continue
            field.widget.attrs.pop("maxlength", None)
            field.validators = [
                *(v for v in field.validators if not isinstance(v, MaxLengthValidator)),
                _TextLimit(str(field.label or name), field.max_length),
            ]

    def _refuses_bidi_controls(self, name: str) -> bool:
        if self.text_model is None:
            return False
        try:
            return refuses_bidi_controls(self.text_model, name)
        except FieldDoesNotExist:
            return False


class OtpCodeForm(BootstrapMixin, forms.Form):
    """The six digits an authenticator application shows."""

    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Le code affiché par votre application d'authentification."),
    )


class RecoveryCodeForm(BootstrapMixin, forms.Form):
    """One of the single-use recovery codes, when the phone is not at hand."""

    recovery_code = forms.CharField(
        label=_("Code de secours"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
