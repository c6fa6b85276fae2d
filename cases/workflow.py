"""Which status a case may move to, what must hold first, and what moving records.

Four registries, filled here for the pre-departure stages and by later phases from their
app's `ready()` (`cases` never imports them):
- `register_transition(from_status, *to_statuses)`: the moves a case may make;
- `register_guard(to_status, guard)`: each guard looks at a case and returns what is missing
  (a message for the caseworker), or None (e.g. departure needs a ticket, a travel document
  and the exit authorisation);
- `register_stage_date(status, field_name)`: the Case date stamped the first time a case
  reaches the status;
- `register_status_listener(listener)`: called in the transaction of every status change,
  with the case, its previous status and the actor (e.g. a withdrawal frees a booked
  ticket; a departure tells the referring NGO).
"""

from collections.abc import Callable

from django.db.models import DateField
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from avrr.models import User
from cases.models import UNACCOMPANIED_CODES, Case, CaseStatus, JusticeDecision, Person

Guard = Callable[[Case], str | Promise | None]

# Transitions --------------------------------------------------------------------------

_transitions: dict[CaseStatus, set[CaseStatus]] = {status: set() for status in CaseStatus}


def register_transition(from_status: CaseStatus, *to_statuses: CaseStatus) -> None:
    """Allow a case in `from_status` to move to each of `to_statuses` (again: no change)."""
    _transitions[from_status].update(to_statuses)


def allowed_targets(status: CaseStatus) -> frozenset[CaseStatus]:
    """The statuses a case in `status` may move to, guards aside."""
    return frozenset(_transitions[status])


register_transition(CaseStatus.REGISTERED, CaseStatus.ASSISTING, CaseStatus.WITHDRAWN)
register_transition(CaseStatus.ASSISTING, CaseStatus.READY, CaseStatus.WITHDRAWN)
# Departure (with its own record and guards) comes with the departure phase.
register_transition(
    CaseStatus.READY, CaseStatus.ASSISTING, CaseStatus.WAITING_FUNDS, CaseStatus.WITHDRAWN
)
register_transition(CaseStatus.WAITING_FUNDS, CaseStatus.READY, CaseStatus.WITHDRAWN)
register_transition(CaseStatus.DEPARTED, CaseStatus.REINTEGRATING, CaseStatus.CLOSED)
register_transition(CaseStatus.REINTEGRATING, CaseStatus.CLOSED)

# Stage dates --------------------------------------------------------------------------

_stage_dates: dict[CaseStatus, str] = {}


def register_stage_date(status: CaseStatus, field_name: str) -> None:
    """Stamp `Case.<field_name>` the first time a case reaches `status`.

    One date field per status; registering the same pair again changes nothing.
    """
    if not isinstance(Case._meta.get_field(field_name), DateField):
        raise ValueError(f"Case.{field_name} is not a date field.")
    if _stage_dates.setdefault(status, field_name) != field_name:
        raise ValueError(f"{status.value} already stamps Case.{_stage_dates[status]}.")


def stage_date_field(status: CaseStatus) -> str | None:
    """The Case date field stamped when a case reaches `status`, if any."""
    return _stage_dates.get(status)


register_stage_date(CaseStatus.ASSISTING, "assistance_started_on")
register_stage_date(CaseStatus.READY, "ready_on")
register_stage_date(CaseStatus.WITHDRAWN, "withdrawn_on")

# Status listeners ---------------------------------------------------------------------

StatusListener = Callable[[Case, CaseStatus, User], None]
_listeners: list[StatusListener] = []


def register_status_listener(listener: StatusListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def status_changed(case: Case, previous: CaseStatus, actor: User) -> None:
    """Tell each listener, in the transaction of the change: what they do is kept or lost
    with it."""
    for listener in _listeners:
        listener(case, previous, actor)


# Guards -------------------------------------------------------------------------------

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
    if to_status not in allowed_targets(CaseStatus(case.status)):
        return [
            str(
                _("Un dossier « %(current)s » ne peut pas passer à « %(target)s ».")
                % {"current": case.get_status_display(), "target": to_status.label}
            )
        ]
    return [str(message) for guard in _guards[to_status] if (message := guard(case))]


def next_steps(case: Case) -> list[tuple[CaseStatus, list[str]]]:
    """Each status the case may move to, with what is still missing for it."""
    targets = allowed_targets(CaseStatus(case.status))
    return [(status, missing_for(case, status)) for status in CaseStatus if status in targets]
