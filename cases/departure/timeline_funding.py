"""The funding events shown in a case's timeline: a ticket's unit reserved on an agreement,
and given back."""

from django.utils.translation import gettext as _

from avrr.models import AuditEvent


def describe_funding_reserve(event: AuditEvent) -> str:
    changes = event.changes
    text = _("Billet financé sur l'accord %(agreement)s (%(cost)s %(currency)s).") % {
        "agreement": changes.get("agreement", ""),
        "cost": changes.get("cost", ""),
        "currency": changes.get("currency", ""),
    }
    if changes.get("out_of_order_reason"):
        text += " " + _("Réservé avant son tour sur la liste d'attente : %(reason)s") % {
            "reason": changes["out_of_order_reason"]
        }
    return text


def describe_funding_release(event: AuditEvent) -> str:
    return _("Billet rendu à l'accord %(agreement)s. Motif : %(reason)s") % {
        "agreement": event.changes.get("agreement", ""),
        "reason": event.changes.get("reason", ""),
    }
