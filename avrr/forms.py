"""Form helpers shared by every app's pages."""

from typing import Any

from django import forms
from django_countries import countries


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


def country_choices() -> list[tuple[str, str]]:
    # Called at each rendering, so the names are in the user's language.
    return [(code, str(name)) for code, name in countries]
