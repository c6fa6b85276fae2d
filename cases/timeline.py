"""Plain-language lines for the case timeline, from the audit events of the case.

Each audit action has one description, registered with `register_description`: the case's
own below, those of other apps (referrals, departure…) from their app's `ready()`, so that
`cases` never imports them. An action without one shows as its code.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from avrr.models import AuditEvent
from cases.models import AssistanceKind, CaseStatus

Description = Callable[[AuditEvent], str]

_descriptions: dict[str, Description] = {}


def register_description(action: str, describe: Description) -> None:
    """Describe the events of `action` with `describe(event)` (again: no change)."""
    if _descriptions.setdefault(action, describe) is not describe:
        raise ValueError(f"The action {action!r} already has a description.")


def describe(event: AuditEvent) -> str:
    description = _descriptions.get(event.action)
    return description(event) if description is not None else event.action


def _status_label(value: str) -> str:
    return str(CaseStatus(value).label) if value in CaseStatus.values else value


def _case_transition(event: AuditEvent) -> str:
    previous, current = event.changes.get("status", ["", ""])
    text = _("Statut : %(previous)s → %(current)s.") % {
        "previous": _status_label(previous),
        "current": _status_label(current),
    }
    if event.changes.get("reason"):
        text += " " + _("Motif : %(reason)s") % {"reason": event.changes["reason"]}
    return text


def _person_duplicate_link(event: AuditEvent) -> str:
    return _("Personne liée à un dossier existant (%(number)s).") % {
        "number": event.changes.get("linked_case", "")
    }


def _person_link_request(event: AuditEvent) -> str:
    offices = event.changes.get("offices") or [event.changes.get("office", "")]
    return _("Demande de confirmation d'un lien entre bureaux (%(offices)s).") % {
        "offices": ", ".join(offices)
    }


def _person_link_answer(event: AuditEvent) -> str:
    if event.action == "person.link_confirm":
        text = _("Lien entre bureaux confirmé (%(office)s) : même personne.")
    else:
        text = _("Lien entre bureaux refusé (%(office)s) : personne différente.")
    return text % {"office": event.changes.get("office", "")}


def _assistance_create(event: AuditEvent) -> str:
    kind = event.changes.get("kind", "")
    label = AssistanceKind(kind).label if kind in AssistanceKind.values else kind
    return _("Assistance : %(kind)s.") % {"kind": label}


register_description("case.create", lambda event: _("Dossier ouvert."))
register_description("case.update", lambda event: _("Dossier modifié."))
register_description("case.assign", lambda event: _("Dossier réassigné."))
register_description("case.transition", _case_transition)
register_description("person.create", lambda event: _("Personne ajoutée."))
register_description("person.update", lambda event: _("Fiche d'une personne modifiée."))
register_description("person.duplicate_link", _person_duplicate_link)
register_description("person.duplicate_dismiss", lambda event: _("Doublon possible écarté."))
register_description("person.link_request", _person_link_request)
register_description("person.link_confirm", _person_link_answer)
register_description("person.link_decline", _person_link_answer)
register_description("assistance.create", _assistance_create)
register_description("counselling.create", lambda event: _("Séance de conseil."))
register_description(
    "declaration.create", lambda event: _("Déclaration de retour volontaire enregistrée.")
)
register_description("attachment.create", lambda event: _("Pièce jointe ajoutée."))
register_description("attachment.view", lambda event: _("Pièce jointe consultée."))
register_description("sensitive_note.create", lambda event: _("Note sensible ajoutée."))
