"""The referral panels of the home page: a supervisor's triage inbox, and a referring NGO's
referrals waiting for IOM or recently answered. Registered from `ReferralsConfig.ready()`.

Each list shows at most ROWS_PER_LIST rows, read in one query, and says when there are more.
"""

from datetime import timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from avrr.home import HomePanel, PanelContext, register_panel
from avrr.models import User
from cases.referrals import access, selectors
from cases.referrals.models import Referral

ROWS_PER_LIST = 30
# How long a referring NGO sees a status change as news on its home page.
RECENT_CHANGE_DAYS = 30


def _first(referrals: QuerySet[Referral]) -> tuple[list[Referral], bool]:
    """The first referrals, and whether there are more (one more is read to know)."""
    rows = list(referrals[: ROWS_PER_LIST + 1])
    return rows[:ROWS_PER_LIST], len(rows) > ROWS_PER_LIST


def triage_panel(user: User) -> PanelContext | None:
    """The referrals the office has still to accept or decline."""
    if not access.can_see_triage_inbox(user):
        return None
    awaiting = selectors.referrals_awaiting_answer(
        access.referrals_for(user), as_referring_organisation=False
    )
    referrals, has_more = _first(awaiting)
    return {"referrals": referrals, "has_more": has_more}


def referrer_panel(user: User) -> PanelContext | None:
    """The organisation's referrals waiting for IOM's answer, and those whose status
    changed in the last RECENT_CHANGE_DAYS days, with their status as the NGO sees it."""
    if not access.sees_referrals_as_referrer(user):
        return None
    referrals = access.referrals_for(user)
    awaiting, more_awaiting = _first(
        selectors.referrals_awaiting_answer(referrals, as_referring_organisation=True)
    )
    since = timezone.now() - timedelta(days=RECENT_CHANGE_DAYS)
    answered, more_answered = _first(
        selectors.referrals_answered_since(referrals, since=since, as_referring_organisation=True)
    )
    return {
        "awaiting": awaiting,
        "answered": answered,
        "has_more": more_awaiting or more_answered,
        "recent_days": RECENT_CHANGE_DAYS,
        "new_referral_url": reverse("referrals:new") if access.can_submit_referrals(user) else "",
    }


def register_panels() -> None:
    register_panel(HomePanel("referrals.triage", "referrals/home/triage.html", triage_panel, 10))
    register_panel(
        HomePanel("referrals.referrer", "referrals/home/referrer.html", referrer_panel, 10)
    )
