"""The movement events shown in the case timeline (the audit trail scoped to the case)."""

from django.utils.translation import gettext as _

from avrr.models import AuditEvent
from cases.timeline import register_description


def _ticket_book(event: AuditEvent) -> str:
    return _("Billet réservé sur le mouvement %(movement)s (accord %(agreement)s).") % {
        "movement": event.changes.get("movement", ""),
        "agreement": event.changes.get("agreement", ""),
    }


def _with_reason(text: str, event: AuditEvent) -> str:
    reason = event.changes.get("reason")
    return f"{text} " + _("Motif : %(reason)s") % {"reason": reason} if reason else text


def _ticket_cancel(event: AuditEvent) -> str:
    text = _("Billet annulé (mouvement %(movement)s).") % {
        "movement": event.changes.get("movement", "")
    }
    return _with_reason(text, event)


def _ticket_no_show(event: AuditEvent) -> str:
    text = _("Ne s'est pas présenté·e au départ (mouvement %(movement)s).") % {
        "movement": event.changes.get("movement", "")
    }
    return _with_reason(text, event)


def _exit_authorisation(event: AuditEvent) -> str:
    return _("Autorisation de sortie enregistrée (PV %(number)s).") % {
        "number": event.changes.get("pv_number", "")
    }


def register() -> None:
    register_description("ticket.book", _ticket_book)
    register_description("ticket.update", lambda event: _("Billet modifié."))
    register_description("ticket.cancel", _ticket_cancel)
    register_description("ticket.no_show", _ticket_no_show)
    register_description("exit_authorisation.record", _exit_authorisation)
    register_description(
        "departure_check.update", lambda event: _("Jour du départ : étapes enregistrées.")
    )
