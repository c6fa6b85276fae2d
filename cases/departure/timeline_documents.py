"""The travel-document part's names and lines in the audit trail and the case timeline, and
its place on the case page and in the navigation; registered from `DepartureConfig.ready()`."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avrr.audit import register_action_labels
from avrr.models import AuditEvent
from cases.sections import CaseSection, register_section
from cases.timeline import register_description


def _day(event: AuditEvent, name: str) -> str:
    value = event.changes.get(name, "")
    try:
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def _document_record(event: AuditEvent) -> str:
    return _("Passeport enregistré pour %(person)s (expire le %(date)s).") % {
        "person": event.changes.get("person", ""),
        "date": _day(event, "expires_on"),
    }


def _lpc_request(event: AuditEvent) -> str:
    return _("Laissez-passer demandé pour %(person)s à %(embassy)s.") % {
        "person": event.changes.get("person", ""),
        "embassy": event.changes.get("embassy", ""),
    }


def _lpc_interview(event: AuditEvent) -> str:
    return _("Entretien d'identification de %(person)s le %(date)s.") % {
        "person": event.changes.get("person", ""),
        "date": _day(event, "on"),
    }


def _lpc_issue(event: AuditEvent) -> str:
    return _("Laissez-passer délivré à %(person)s (expire le %(date)s).") % {
        "person": event.changes.get("person", ""),
        "date": _day(event, "expires_on"),
    }


def _lpc_refuse(event: AuditEvent) -> str:
    return _("Laissez-passer refusé à %(person)s. Motif : %(reason)s") % {
        "person": event.changes.get("person", ""),
        "reason": event.changes.get("reason", ""),
    }


def _lpc_expire(event: AuditEvent) -> str:
    return _("Laissez-passer de %(person)s expiré.") % {"person": event.changes.get("person", "")}


def _lpc_letter(event: AuditEvent) -> str:
    return _("Lettre de demande de laissez-passer préparée pour %(embassy)s.") % {
        "embassy": event.changes.get("embassy", "")
    }


DESCRIPTIONS = {
    "travel_document.record": _document_record,
    "lpc.request": _lpc_request,
    "lpc.interview": _lpc_interview,
    "lpc.issue": _lpc_issue,
    "lpc.refuse": _lpc_refuse,
    "lpc.expire": _lpc_expire,
    "lpc.letter": _lpc_letter,
}


def register() -> None:
    from cases.departure.views.documents import documents_section

    for action, describe in DESCRIPTIONS.items():
        register_description(action, describe)
    register_action_labels(
        {
            "travel_document.record": gettext_lazy("Passeport enregistré"),
            "lpc.request": gettext_lazy("Laissez-passer demandé"),
            "lpc.interview": gettext_lazy("Entretien d'identification prévu"),
            "lpc.issue": gettext_lazy("Laissez-passer délivré"),
            "lpc.refuse": gettext_lazy("Laissez-passer refusé"),
            "lpc.expire": gettext_lazy("Laissez-passer expiré"),
            "lpc.letter": gettext_lazy("Lettre de demande de laissez-passer préparée"),
            "embassy.create": gettext_lazy("Ambassade ou consulat ajouté"),
            "embassy.change": gettext_lazy("Ambassade ou consulat modifié"),
        }
    )
    register_section(
        CaseSection(
            "departure.documents", "departure/documents/section.html", documents_section, 20
        )
    )
