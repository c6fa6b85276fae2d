"""The case panels of the home page: a caseworker's work list, a supervisor's overdue steps
and team, a mission's returnees. Registered from `CasesConfig.ready()`.

Each panel shows at most ROWS_PER_PANEL rows, read in a fixed number of queries, and says
when there are more.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from avrr.home import HomePanel, PanelContext, register_panel
from avrr.models import User
from cases import access, selectors
from cases.models import Case, CaseStatus, LinkRequestStatus

ROWS_PER_PANEL = 50

# What the caseworker does next with a case in each status before departure.
NEXT_STEPS = {
    CaseStatus.REGISTERED: gettext_lazy("Prochaine étape : commencer l'assistance"),
    CaseStatus.ASSISTING: gettext_lazy("Prochaine étape : réunir ce qu'il faut pour le départ"),
    CaseStatus.READY: gettext_lazy("Prochaine étape : organiser le départ"),
    CaseStatus.WAITING_FUNDS: gettext_lazy("Prochaine étape : trouver le financement du voyage"),
}


def overdue_reasons() -> dict[str, str]:
    """Why a case with an overdue step is late, per status, with the thresholds of
    `selectors.OVERDUE_RULES`, in the user's language."""
    days = {rule.status: rule.days for rule in selectors.OVERDUE_RULES}
    registered, ready = days[CaseStatus.REGISTERED], days[CaseStatus.READY]
    return {
        CaseStatus.REGISTERED: ngettext(
            "Enregistré depuis plus de %(days)d jour, sans assistance commencée",
            "Enregistré depuis plus de %(days)d jours, sans assistance commencée",
            registered,
        )
        % {"days": registered},
        CaseStatus.READY: ngettext(
            "Prêt au départ depuis plus de %(days)d jour",
            "Prêt au départ depuis plus de %(days)d jours",
            ready,
        )
        % {"days": ready},
        CaseStatus.WAITING_FUNDS: gettext("Départ bloqué faute de financement"),
    }


@dataclass(frozen=True)
class CaseRow:
    case: Case
    overdue: str  # why its step is overdue; empty when it is not


@dataclass(frozen=True)
class CaseGroup:
    label: str
    next_step: str
    rows: list[CaseRow]


Row = TypeVar("Row", bound=Model)


def _first(rows: QuerySet[Row]) -> tuple[list[Row], bool]:
    """The first rows, and whether there are more (one more is read to know)."""
    first = list(rows[: ROWS_PER_PANEL + 1])
    return first[:ROWS_PER_PANEL], len(first) > ROWS_PER_PANEL


def worklist_panel(user: User) -> PanelContext | None:
    """The user's cases waiting on them, grouped by what comes next, overdue first."""
    if not access.can_see_worklist(user):
        return None
    cases = selectors.worklist(access.cases_for(user), assignee=user, today=timezone.localdate())
    shown, has_more = _first(cases)
    reasons = overdue_reasons()
    by_status: dict[str, list[CaseRow]] = {}
    for case in shown:
        overdue = reasons[case.status] if case.overdue else ""  # type: ignore[attr-defined]
        by_status.setdefault(case.status, []).append(CaseRow(case, overdue))
    groups = [
        CaseGroup(str(status.label), str(NEXT_STEPS[status]), by_status[status])
        for status in CaseStatus
        if status in by_status
    ]
    return {
        "groups": groups,
        "has_more": has_more,
        "list_url": f"{reverse('cases:list')}?mine=true",
    }


def office_overdue_panel(user: User) -> PanelContext | None:
    """The office's cases with an overdue step, whoever they are assigned to."""
    if not access.can_oversee_office(user):
        return None
    cases = selectors.overdue_cases(access.cases_for(user), today=timezone.localdate())
    shown, has_more = _first(cases)
    reasons = overdue_reasons()
    rows = [CaseRow(case, reasons[case.status]) for case in shown]
    return {"rows": rows, "has_more": has_more}


@dataclass(frozen=True)
class TeamMember:
    name: str
    open_count: int
    overdue_count: int
    list_url: str  # their cases in the case list; empty for the cases nobody is assigned


def _team_member(row: dict[str, Any], list_url: str) -> TeamMember:
    counts = (row["open_count"], row["overdue_count"])
    if row["assigned_to"] is None:
        return TeamMember(gettext("Non assigné"), *counts, list_url="")
    name = f"{row['assigned_to__first_name']} {row['assigned_to__last_name']}".strip()
    return TeamMember(
        name or row["assigned_to__username"],
        *counts,
        list_url=f"{list_url}?assigned_to={row['assigned_to']}",
    )


def team_panel(user: User) -> PanelContext | None:
    """Open cases, and those with an overdue step, per caseworker of the office."""
    if not access.can_oversee_office(user):
        return None
    list_url = reverse("cases:list")
    workload = selectors.team_workload(access.cases_for(user), today=timezone.localdate())
    return {
        "members": [_team_member(row, list_url) for row in workload],
        "caseload_url": reverse("cases:caseload"),
    }


def link_requests_panel(user: User) -> PanelContext | None:
    """Other offices' requests to confirm that someone they registered is known here: shown
    only while some wait for an answer, oldest first."""
    waiting = (
        access.link_requests_for(user)
        .filter(status=LinkRequestStatus.PENDING)
        .select_related("known_person", "person__case__office")
        .order_by("requested_at", "pk")
    )
    requests, has_more = _first(waiting)
    return {"requests": requests, "has_more": has_more} if requests else None


def returnees_panel(user: User) -> PanelContext | None:
    """The people who returned to the mission's country, newest registration first."""
    if not access.can_see_returnees(user):
        return None
    cases = selectors.case_list(access.cases_for(user)).order_by("-registered_on", "-pk")
    shown, has_more = _first(cases)
    return {"cases": shown, "has_more": has_more}


def register_panels() -> None:
    for panel in (
        HomePanel("cases.link_requests", "cases/home/link_requests.html", link_requests_panel, 10),
        HomePanel("cases.office_overdue", "cases/home/overdue.html", office_overdue_panel, 20),
        HomePanel("cases.team", "cases/home/team.html", team_panel, 30),
        HomePanel("cases.worklist", "cases/home/worklist.html", worklist_panel, 40),
        HomePanel("cases.returnees", "cases/home/returnees.html", returnees_panel, 50),
    ):
        register_panel(panel)
