"""How the departure phase's events read in a case's history."""

from django.utils.translation import gettext as _

from avrr.models import AuditEvent
from cases.timeline import register_description


def _funding_reserve(event: AuditEvent) -> str:
    return _("Billet réservé sur l'accord %(agreement)s (%(cost)s %(currency)s).") % {
        "agreement": event.changes.get("agreement", ""),
        "cost": event.changes.get("cost", ""),
        "currency": event.changes.get("currency", ""),
    }


def _funding_release(event: AuditEvent) -> str:
    return _("Billet rendu à l'accord %(agreement)s : %(reason)s") % {
        "agreement": event.changes.get("agreement", ""),
        "reason": event.changes.get("reason", ""),
    }


def register_descriptions() -> None:
    register_description("funding.reserve", _funding_reserve)
    register_description("funding.release", _funding_release)
