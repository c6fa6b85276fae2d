"""Text input longer than its field allows is refused, never cut: one message for services,
forms and imports alike."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

TOO_LONG = _("« %(field)s » : %(limit)s caractères au plus (le texte en compte %(length)s).")


def too_long_message(label: str, limit: int, length: int) -> str:
    return str(TOO_LONG) % {"field": label, "limit": limit, "length": length}


def too_long_error(label: str, limit: int, length: int) -> ValidationError:
    """The same message as a form's error: the message stays a %-format and the label in
    `params`, so that whoever fills it in (Django, django-filter) never reads a % of the
    label as a placeholder."""
    return ValidationError(
        TOO_LONG, code="max_length", params={"field": label, "limit": limit, "length": length}
    )


def texts_too_long(model: type[Model], values: Mapping[str, Any]) -> dict[str, str]:
    """{field name: message naming the field and its limit} for each text in `values` longer
    than `model`'s field of that name allows. Over-long text is refused, never cut."""
    problems = {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if (
            isinstance(model_field, CharField)
            and model_field.max_length is not None
            and isinstance(value, str)
            and len(value) > model_field.max_length
        ):
            label = str(capfirst(model_field.verbose_name))
            problems[name] = too_long_message(label, model_field.max_length, len(value))
    return problems
