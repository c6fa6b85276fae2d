"""Plain-language lines for the case timeline, from the audit events of the case."""

from django.utils.translation import gettext as _

from avrr.models import AuditEvent
from cases.models import AssistanceKind, CaseStatus


def _status_label(value: str) -> str:
    return str(CaseStatus(value).label) if value in CaseStatus.values else value


def describe(event: AuditEvent) -> str:
    changes = event.changes
    match event.action:
        case "case.create":
            return _("Dossier ouvert.")
        case "case.update":
            return _("Dossier modifié.")
        case "case.assign":
            return _("Dossier réassigné.")
        case "case.transition":
            previous, current = changes.get("status", ["", ""])
            text = _("Statut : %(previous)s → %(current)s.") % {
                "previous": _status_label(previous),
                "current": _status_label(current),
            }
            if changes.get("reason"):
                text += " " + _("Motif : %(reason)s") % {"reason": changes["reason"]}
            return text
        case "person.create":
            return _("Personne ajoutée.")
        case "person.update":
            return _("Fiche d'une personne modifiée.")
        case "person.duplicate_link":
            return _("Personne liée à un dossier existant (%(number)s).") % {
                "number": changes.get("linked_case", "")
            }
        case "person.duplicate_dismiss":
            return _("Doublon possible écarté.")
        case "assistance.create":
            kind = changes.get("kind", "")
            label = AssistanceKind(kind).label if kind in AssistanceKind.values else kind
            return _("Assistance : %(kind)s.") % {"kind": label}
        case "counselling.create":
            return _("Séance de conseil.")
        case "declaration.create":
            return _("Déclaration de retour volontaire enregistrée.")
        case "attachment.create":
            return _("Pièce jointe ajoutée.")
        case "attachment.view":
            return _("Pièce jointe consultée.")
        case "sensitive_note.create":
            return _("Note sensible ajoutée.")
    return event.action
