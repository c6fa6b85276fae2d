"""Form helpers shared by every app's pages."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise


class BootstrapMixin:
    """Gives every widget Bootstrap's classes."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class FilterForm(BootstrapMixin, forms.Form):
    """The form behind a list's filters (a django-filter FilterSet's `Meta.form`)."""


class DateInput(forms.DateInput):
    """The browser's date picker, with values in ISO 8601 as it expects."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


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
