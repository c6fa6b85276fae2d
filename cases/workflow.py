"""Which status a case may move to, and what must hold first.

Each guard looks at a case and returns what is missing (a message for the caseworker), or
None. Later capabilities add their own guards with `register_guard` (e.g. departure needs a
ticket, a travel document and the exit authorisation).
"""

from collections.abc import Callable
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import UNACCOMPANIED_CODES, Case, CaseStatus, JusticeDecision, Person

Guard = Callable[[Case], str | Promise | None]

ALLOWED_TRANSITIONS: Final[dict[CaseStatus, frozenset[CaseStatus]]] = {
    CaseStatus.REGISTERED: frozenset({CaseStatus.ASSISTING, CaseStatus.WITHDRAWN}),
    CaseStatus.ASSISTING: frozenset({CaseStatus.READY, CaseStatus.WITHDRAWN}),
    # Departure (with its own record and guards) comes with the departure phase.
    CaseStatus.READY: frozenset(
        {CaseStatus.ASSISTING, CaseStatus.WAITING_FUNDS, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.WAITING_FUNDS: frozenset({CaseStatus.READY, CaseStatus.WITHDRAWN}),
    CaseStatus.DEPARTED: frozenset({CaseStatus.REINTEGRATING, CaseStatus.CLOSED}),
    CaseStatus.REINTEGRATING: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}

_guards: dict[CaseStatus, list[Guard]] = {status: [] for status in CaseStatus}


def register_guard(to_status: CaseStatus, guard: Guard) -> None:
    if guard not in _guards[to_status]:
        _guards[to_status].append(guard)


def _principal(case: Case) -> Person | None:
    return next((person for person in case.people.all() if person.is_principal), None)


def is_unaccompanied_minor_case(case: Case) -> bool:
    return any(
        vulnerability.code in UNACCOMPANIED_CODES
        for person in case.people.all()
        for vulnerability in person.vulnerabilities.all()
    )


def needs_principal_applicant(case: Case) -> str | Promise | None:
    if _principal(case) is None:
        return _("Le dossier n'a pas de demandeur·se principal·e.")
    return None


def needs_country_of_return(case: Case) -> str | Promise | None:
    if any(not person.country_of_return for person in case.people.all()):
        return _("Chaque personne doit avoir un pays de retour.")
    return None


def needs_signed_declaration(case: Case) -> str | Promise | None:
    if not case.declarations.all():
        return _("La déclaration de retour volontaire signée n'est pas enregistrée.")
    return None


def needs_justice_decision(case: Case) -> str | Promise | None:
    if not is_unaccompanied_minor_case(case):
        return None
    if case.justice_decision != JusticeDecision.RETURN_AUTHORISED or not case.justice_decision_on:
        return _(
            "Mineur non accompagné ou séparé : la décision du ministère de la Justice "
            "autorisant le retour, avec sa date, est requise."
        )
    return None


register_guard(CaseStatus.READY, needs_principal_applicant)
register_guard(CaseStatus.READY, needs_country_of_return)
register_guard(CaseStatus.READY, needs_signed_declaration)
register_guard(CaseStatus.READY, needs_justice_decision)


def missing_for(case: Case, to_status: CaseStatus) -> list[str]:
    """What stops `case` from moving to `to_status`; empty when it may."""
    if to_status not in ALLOWED_TRANSITIONS[CaseStatus(case.status)]:
        return [
            str(
                _("Un dossier « %(current)s » ne peut pas passer à « %(target)s ».")
                % {"current": case.get_status_display(), "target": to_status.label}
            )
        ]
    return [str(message) for guard in _guards[to_status] if (message := guard(case))]


def next_steps(case: Case) -> list[tuple[CaseStatus, list[str]]]:
    """Each status the case may move to, with what is still missing for it."""
    return [
        (status, missing_for(case, status))
        for status in CaseStatus
        if status in ALLOWED_TRANSITIONS[CaseStatus(case.status)]
    ]
