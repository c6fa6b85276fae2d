"""Text input that a field cannot take is refused, never cut or cleaned: over-long text, and
in names, numbers and references, the invisible characters that change the direction text
is displayed in. One message for services, forms, the API and imports alike."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Field, Model
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TOO_LONG = _("« %(field)s » : %(limit)s caractères au plus (le texte en compte %(length)s).")

# Unicode's bidirectional embeddings, overrides and isolates, and the left-to-right,
# right-to-left and Arabic letter marks. Invisible, they make a name or a number display
# other than it is stored ("Trojan Source"), so that a search or a duplicate check misses
# it. Arabic text needs none of them: its letters carry their own direction.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def has_bidi_controls(value: str) -> bool:
    return not BIDI_CONTROLS.isdisjoint(value)


def bidi_controls_message() -> str:
    return gettext(
        "Le texte contient un caractère invisible qui change le sens d'affichage : "
        "retapez-le au clavier plutôt que de le copier-coller."
    )


def no_bidi_controls(value: object) -> None:
    """Validator of the model fields that refuse direction controls (names, numbers,
    references); `text_problems`, the forms' `TextLimitsMixin` and the import read it."""
    if isinstance(value, str) and has_bidi_controls(value):
        raise ValidationError(bidi_controls_message(), code="bidi_control")


def refuses_bidi_controls(model: type[Model], name: str) -> bool:
    field = model._meta.get_field(name)
    return isinstance(field, Field) and no_bidi_controls in field.validators


def too_long_message(label: str, limit: int, length: int) -> str:
    return str(TOO_LONG) % {"field": label, "limit": limit, "length": length}


def too_long_error(label: str, limit: int, length: int) -> ValidationError:
    """The same message as a form's error: the message stays a %-format and the label in
    `params`, so that whoever fills it in (Django, django-filter) never reads a % of the
    label as a placeholder."""
    return ValidationError(
        TOO_LONG, code="max_length", params={"field": label, "limit": limit, "length": length}
    )


def text_problems(model: type[Model], values: Mapping[str, Any]) -> dict[str, str]:
    """{field name: message naming the field} for each text in `values` that `model`'s field
    of that name cannot take: longer than it allows, or with a direction control where it
    refuses them."""
    problems = {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if not isinstance(model_field, CharField) or not isinstance(value, str):
            continue
        label = str(capfirst(model_field.verbose_name))
        if refuses_bidi_controls(model, name) and has_bidi_controls(value):
            problems[name] = gettext("« %(field)s » : %(problem)s") % {
                "field": label,
                "problem": bidi_controls_message(),
            }
        elif model_field.max_length is not None and len(value) > model_field.max_length:
            problems[name] = too_long_message(label, model_field.max_length, len(value))
    return problems
