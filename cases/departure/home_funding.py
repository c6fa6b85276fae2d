"""The funding panel of a supervisor's home page: the agreements nearly spent, and the head
of the office's waiting list. Registered from `DepartureConfig.ready()`; read in a fixed
number of queries."""

from django.utils import timezone

from avrr.home import HomePanel, PanelContext, register_panel
from avrr.models import User
from cases.departure import access
from cases.departure.selectors import funding as selectors

# How many cases of the waiting list's head the panel shows.
HEAD_ROWS = 5


def funding_panel(user: User) -> PanelContext | None:
    if not access.sees_funding_panel(user):
        return None
    waiting = access.waiting_cases_for(user)
    head = list(selectors.waiting_list(waiting)[: HEAD_ROWS + 1])
    return {
        "agreements": list(
            selectors.nearly_exhausted(access.agreements_for(user), on=timezone.localdate())
        ),
        "head": head[:HEAD_ROWS],
        "has_more": len(head) > HEAD_ROWS,
        "people": selectors.waiting_people(waiting),
    }


def register_panels() -> None:
    register_panel(
        HomePanel("departure.funding", "departure/funding/home/funding.html", funding_panel, 45)
    )
