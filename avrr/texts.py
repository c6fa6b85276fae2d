"""Text input longer than its field allows is refused, never cut: one message for services,
forms and imports alike."""

from collections.abc import Mapping
from typing import Any

from django.db.models import CharField, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def too_long_message(label: str, limit: int, length: int) -> str:
    return _("« %(field)s » : %(limit)s caractères au plus (le texte en compte %(length)s).") % {
        "field": label,
        "limit": limit,
        "length": length,
    }


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
