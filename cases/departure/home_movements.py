"""The home panel of a mission abroad: who is coming, from the moment they are booked.
Registered from `DepartureConfig.ready()`."""

from avrr.home import HomePanel, PanelContext, register_panel
from avrr.models import User
from cases.departure import access
from cases.departure.selectors import movements as selectors

ROWS_PER_PANEL = 20


def arrivals_panel(user: User) -> PanelContext | None:
    if not access.can_see_expected_arrivals(user):
        return None
    arrivals = selectors.expected_arrivals(
        access.expected_arrivals_for(user), limit=ROWS_PER_PANEL + 1
    )
    return {"arrivals": arrivals[:ROWS_PER_PANEL], "has_more": len(arrivals) > ROWS_PER_PANEL}


def register_panels() -> None:
    register_panel(
        HomePanel(
            "departure.arrivals", "departure/movements/home_arrivals.html", arrivals_panel, 20
        )
    )
