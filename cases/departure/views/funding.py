"""Departure pages: funding. Objects come through cases.departure.access; writes go through
cases.departure.services.funding.

The agreements, each one's funds page (with its amendments), and the office's waiting list.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from avrr.models import User
from avrr.rules import request_user
from cases import access as case_access
from cases.departure import access
from cases.departure.forms.funding import AgreementForm, AmendmentForm, WaitForFundsForm
from cases.departure.models import FundingAgreement
from cases.departure.selectors import funding as selectors
from cases.departure.services import funding as services
from cases.models import Case, CaseStatus

WAITING_PER_PAGE = 50


def _form_error(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _require_funding_pages(user: User) -> None:
    if not access.can_see_funding(user):
        raise PermissionDenied


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_funding_pages(user)
    return render(
        request,
        "departure/funding/agreement_list.html",
        {
            "agreements": selectors.agreement_list(access.agreements_for(user)),
            "can_manage": access.can_manage_funding(user),
        },
    )


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_manage_funding(user):
        raise PermissionDenied
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Accord %(reference)s enregistré.") % {"reference": agreement.reference}
            )
            return redirect("departure:agreement", pk=agreement.pk)
    return render(request, "departure/funding/agreement_form.html", {"form": form})


def _next_waiting(user: User) -> Case | None:
    return selectors.waiting_list(access.waiting_cases_for(user)).first()


def _agreement_page(
    request: HttpRequest, user: User, agreement: FundingAgreement, form: AmendmentForm | None
) -> HttpResponse:
    can_manage = access.can_manage_funding(user)
    if can_manage and form is None:
        form = AmendmentForm(initial={"currency": agreement.currency})
    funds = selectors.agreement_funds(
        agreement, today=timezone.localdate(), waiting_cases=access.all_waiting_cases()
    )
    return render(
        request,
        "departure/funding/agreement_detail.html",
        {
            "agreement": agreement,
            "funds": funds,
            "pace_days": selectors.PACE_DAYS,
            "amendments": selectors.amendments_of(agreement),
            "form": form if can_manage else None,
            "next_waiting": _next_waiting(user),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_funding_pages(user)
    return _agreement_page(request, user, access.agreement_for(user, pk), None)


@login_required
@require_POST
def amendment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_funding_pages(user)
    agreement = access.agreement_for(user, pk)
    if not access.can_manage_funding(user):
        raise PermissionDenied
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.amendment_add(actor=user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _added_message(user, form.cleaned_data))
            return redirect("departure:agreement", pk=agreement.pk)
    return _agreement_page(request, user, access.agreement_for(user, pk), form)


def _added_message(user: User, data: dict[str, Any]) -> str:
    """The amendment recorded, and who is next on the waiting list: nothing is booked by
    itself, the supervisor books in that order."""
    added = _("Avenant %(reference)s enregistré.") % {"reference": data["reference"]}
    head = _next_waiting(user)
    if head is None:
        return added + " " + _("Personne n'attend de financement dans votre bureau.")
    # Annotated by the waiting list's selector.
    people: int = getattr(head, "household_size", 0) or 0
    return (
        added
        + " "
        + ngettext(
            "Prochain sur la liste d'attente : %(number)s (%(people)d personne).",
            "Prochain sur la liste d'attente : %(number)s (%(people)d personnes).",
            people,
        )
        % {"number": head.number, "people": people}
    )


# The waiting list ---------------------------------------------------------------------


def _ready_cases(user: User) -> Any:
    return access.waiting_cases_for(user).filter(status=CaseStatus.READY).order_by("number")


def _waiting_page(
    request: HttpRequest, user: User, wait_form: WaitForFundsForm | None
) -> HttpResponse:
    cases = access.waiting_cases_for(user)
    page = Paginator(selectors.waiting_list(cases), WAITING_PER_PAGE).get_page(
        request.GET.get("page")
    )
    can_work = access.can_work_on_departures(user)
    if can_work and wait_form is None:
        wait_form = WaitForFundsForm(cases=_ready_cases(user))
    return render(
        request,
        "departure/funding/waiting_list.html",
        {
            "page": page,
            "people": selectors.waiting_people(cases),
            "can_work": can_work,
            "wait_form": wait_form if can_work else None,
        },
    )


@login_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_funding_pages(user)
    return _waiting_page(request, user, None)


@login_required
@require_POST
def waiting_list_add(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_work_on_departures(user):
        raise PermissionDenied
    form = WaitForFundsForm(request.POST, cases=_ready_cases(user))
    if form.is_valid():
        case = form.cleaned_data["case"]
        try:
            services.case_wait_for_funds(
                actor=user,
                case=case,
                ticket_cost=form.cleaned_data["ticket_cost"],
                currency=form.cleaned_data["currency"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Dossier %(number)s mis sur la liste d'attente.") % {"number": case.number},
            )
            return redirect("departure:waiting_list")
    return _waiting_page(request, user, form)


@login_required
@require_POST
def waiting_list_ready(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Funds were found for the case: it is ready again, to be booked."""
    user = request_user(request)
    _require_funding_pages(user)
    case = case_access.case_for(user, case_pk)
    try:
        services.case_funds_found(actor=user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Dossier %(number)s prêt au départ : réservez ses billets.")
            % {"number": case.number},
        )
    return redirect(reverse("departure:waiting_list"))


urlpatterns: list[URLPattern] = [
    path("funding/", agreement_list, name="agreements"),
    path("funding/new/", agreement_create, name="agreement_new"),
    path("funding/<int:pk>/", agreement_detail, name="agreement"),
    path("funding/<int:pk>/amendments/", amendment_add, name="amendment_add"),
    path("waiting-list/", waiting_list, name="waiting_list"),
    path("waiting-list/add/", waiting_list_add, name="waiting_list_add"),
    path("waiting-list/<int:case_pk>/ready/", waiting_list_ready, name="waiting_list_ready"),
]
