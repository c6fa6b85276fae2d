"""The departure pages, one menu entry: "Départs" opens the departures board, and each
departure list page shows the others as tabs, those the user may open."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from avrr.rules import AnyUser
from cases.departure import access


@dataclass(frozen=True)
class DepartureTab:
    label: str | Promise
    url_name: str
    allowed: bool


def departure_tabs(user: AnyUser) -> list[tuple[str, str, str]]:
    """(label, URL, URL name) of the departure pages the user may open, in working order."""
    tabs = [
        DepartureTab(_("Départs à venir"), "departure:board", access.can_list_movements(user)),
        DepartureTab(_("Mouvements"), "departure:movements", access.can_list_movements(user)),
        DepartureTab(
            _("Ce qui bloque mes dossiers"),
            "departure:blocked",
            access.can_see_blocked_cases(user),
        ),
        DepartureTab(
            _("Laissez-passer"), "departure:lpc_follow_up", access.can_see_travel_documents(user)
        ),
        DepartureTab(_("Financement"), "departure:agreements", access.can_see_funding(user)),
        DepartureTab(_("Liste d'attente"), "departure:waiting_list", access.can_see_funding(user)),
    ]
    return [(str(tab.label), reverse(tab.url_name), tab.url_name) for tab in tabs if tab.allowed]
