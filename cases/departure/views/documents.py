"""Departure pages: documents. Objects come through cases.departure.access; writes go through
cases.departure.services.documents.

The case page's "Documents de voyage" section (`documents_section`, registered in the case
core's `cases.sections`), the forms behind its actions, the request letter to an embassy
and the follow-up list of unanswered requests."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avrr.models import User
from avrr.rules import request_user
from cases import access as case_access
from cases.departure import access
from cases.departure.forms.documents import (
    LetterCasesForm,
    LetterEmbassyForm,
    LpcExpireForm,
    LpcInterviewForm,
    LpcIssueForm,
    LpcRefuseForm,
    LpcRequestForm,
    PassportForm,
)
from cases.departure.models import LpcRequest, LpcStatus
from cases.departure.selectors import documents as selectors
from cases.departure.services import documents as services
from cases.departure.services.documents import OPEN_LPC_STATUSES
from cases.models import PRE_DEPARTURE_STATUSES, Case
from cases.sections import SectionContext

SECTION_ID = "travel-documents"


def _case_url(case: Case) -> str:
    return f"{reverse('cases:detail', args=[case.pk])}#{SECTION_ID}"


# The case page's section --------------------------------------------------------------


def documents_section(user: User, case: Case) -> SectionContext | None:
    """Each person's travel documents and laissez-passer requests, with the actions the
    user may take on them. Two queries (documents, requests)."""
    if not access.can_see_travel_documents(user):
        return None
    can_change = access.can_change_departure(user, case)
    rows = selectors.documents_by_person(list(case.people.all()), on=timezone.localdate())
    for row in rows:
        for request in row.requests:
            request.actions = _request_actions(request) if can_change else []  # type: ignore[attr-defined]
    return {
        "case": case,
        "rows": rows,
        "can_add": can_change and case.status in PRE_DEPARTURE_STATUSES,
        "section_id": SECTION_ID,
    }


def _request_actions(request: LpcRequest) -> list[tuple[str, str]]:
    """The answers that can be recorded now, as (label, url)."""
    if request.status in OPEN_LPC_STATUSES:
        return [
            (_("Entretien"), reverse("departure:lpc_interview", args=[request.pk])),
            (_("Délivré"), reverse("departure:lpc_issue", args=[request.pk])),
            (_("Refusé"), reverse("departure:lpc_refuse", args=[request.pk])),
        ]
    if request.status == LpcStatus.ISSUED:
        return [(_("Expiré"), reverse("departure:lpc_expire", args=[request.pk]))]
    return []


# Forms about a case -------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    case: Case,
    *,
    title: str,
    form: BaseForm,
    save: Callable[[], object],
    done: str,
    intro: str = "",
) -> HttpResponse:
    """A form about the case's travel documents: saved through `save` on a valid POST."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_case_url(case))
    return render(
        request,
        "departure/documents/form.html",
        {"case": case, "form": form, "title": title, "intro": intro, "back": _case_url(case)},
    )


def _changeable_case(user: User, pk: int) -> Case:
    case = case_access.case_for(user, pk)
    if not access.can_change_departure(user, case):
        raise PermissionDenied
    return case


def _data(request: HttpRequest) -> dict[str, Any]:
    return {"data": request.POST} if request.method == "POST" else {}


@login_required
def passport_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _changeable_case(user, pk)
    people = case.people.order_by("pk")
    form = PassportForm(**_data(request), people=people)

    def save() -> object:
        data = form.cleaned_data
        return services.passport_record(
            actor=user,
            person=data["person"],
            number=data["number"],
            issuing_country=data["issuing_country"],
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
            copy_held=data["copy_held"],
        )

    return _form_page(
        request,
        case,
        title=_("Enregistrer un passeport"),
        form=form,
        save=save,
        done=_("Passeport enregistré."),
    )


@login_required
def lpc_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _changeable_case(user, pk)
    form = LpcRequestForm(
        **_data(request), people=case.people.order_by("pk"), embassies=access.embassies_for(user)
    )

    def save() -> object:
        return services.lpc_request(actor=user, **form.cleaned_data)

    return _form_page(
        request,
        case,
        title=_("Demander un laissez-passer"),
        form=form,
        save=save,
        done=_("Demande de laissez-passer enregistrée."),
    )


def _lpc_form_page(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    make_form: Callable[[dict[str, Any]], BaseForm],
    save: Callable[[User, LpcRequest, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    user = request_user(request)
    lpc = access.lpc_request_for(user, pk)
    case = lpc.person.case
    if not access.can_change_departure(user, case):
        raise PermissionDenied
    form = make_form(_data(request))
    intro = _("%(person)s · %(embassy)s · demandé le %(date)s") % {
        "person": lpc.person,
        "embassy": lpc.embassy,
        "date": date_format(lpc.requested_on, "SHORT_DATE_FORMAT"),
    }
    return _form_page(
        request,
        case,
        title=title,
        form=form,
        save=lambda: save(user, lpc, form.cleaned_data),
        done=done,
        intro=intro,
    )


@login_required
def lpc_interview(request: HttpRequest, pk: int) -> HttpResponse:
    return _lpc_form_page(
        request,
        pk,
        title=_("Entretien d'identification"),
        make_form=lambda data: LpcInterviewForm(**data),
        save=lambda user, lpc, data: services.lpc_schedule_interview(
            actor=user, request=lpc, **data
        ),
        done=_("Entretien enregistré."),
    )


@login_required
def lpc_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _lpc_form_page(
        request,
        pk,
        title=_("Laissez-passer délivré"),
        make_form=lambda data: LpcIssueForm(**data),
        save=lambda user, lpc, data: services.lpc_issue(actor=user, request=lpc, **data),
        done=_("Laissez-passer enregistré."),
    )


@login_required
def lpc_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _lpc_form_page(
        request,
        pk,
        title=_("Laissez-passer refusé"),
        make_form=lambda data: LpcRefuseForm(**data),
        save=lambda user, lpc, data: services.lpc_refuse(actor=user, request=lpc, **data),
        done=_("Refus enregistré."),
    )


@login_required
def lpc_expire(request: HttpRequest, pk: int) -> HttpResponse:
    return _lpc_form_page(
        request,
        pk,
        title=_("Laissez-passer expiré"),
        make_form=lambda data: LpcExpireForm(**data),
        save=lambda user, lpc, data: services.lpc_expire(actor=user, request=lpc),
        done=_("Laissez-passer marqué expiré."),
    )


# The request letter -------------------------------------------------------------------


@login_required
def letter(request: HttpRequest) -> HttpResponse:
    """Choose an embassy, then the cases to list; the letter comes back as a PDF."""
    user = request_user(request)
    if not access.can_write_letters(user):
        raise PermissionDenied
    embassy_form = LetterEmbassyForm(
        request.GET or None, embassies=access.embassies_for(user).order_by("country", "city")
    )
    embassy = embassy_form.cleaned_data["embassy"] if embassy_form.is_valid() else None
    cases_form = None
    candidates: list[Case] = []
    if embassy is not None:
        candidate_cases = selectors.letter_candidates(
            access.letter_cases_for(user), embassy, on=timezone.localdate()
        )
        cases_form = LetterCasesForm(
            request.POST if request.method == "POST" else None, cases=candidate_cases
        )
        if request.method == "POST" and cases_form.is_valid():
            chosen = list(cases_form.cleaned_data["cases"])
            pdf = services.lpc_letter_pdf(actor=user, embassy=embassy, cases=chosen)
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"lettre-lpc-{embassy.country.code.lower()}-{timezone.localdate():%Y%m%d}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        candidates = list(candidate_cases)
    return render(
        request,
        "departure/documents/letter_form.html",
        {
            "embassy_form": embassy_form,
            "embassy": embassy,
            "cases_form": cases_form,
            "candidates": candidates,
            "chosen": {str(pk) for pk in request.POST.getlist("cases")},
        },
    )


# The follow-up list -------------------------------------------------------------------


@login_required
def lpc_follow_up(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_see_travel_documents(user):
        raise PermissionDenied
    groups = selectors.lpc_follow_up(access.lpc_requests_for(user), today=timezone.localdate())
    return render(
        request,
        "departure/documents/follow_up.html",
        {
            "groups": groups,
            "days": selectors.follow_up_days(),
            "can_write_letters": access.can_write_letters(user),
        },
    )


urlpatterns: list[URLPattern] = [
    path("documents/follow-up/", lpc_follow_up, name="lpc_follow_up"),
    path("documents/letter/", letter, name="lpc_letter"),
    path("documents/cases/<int:pk>/passport/", passport_add, name="passport_add"),
    path("documents/cases/<int:pk>/lpc/", lpc_request_add, name="lpc_request_add"),
    path("documents/lpc/<int:pk>/interview/", lpc_interview, name="lpc_interview"),
    path("documents/lpc/<int:pk>/issue/", lpc_issue, name="lpc_issue"),
    path("documents/lpc/<int:pk>/refuse/", lpc_refuse, name="lpc_refuse"),
    path("documents/lpc/<int:pk>/expire/", lpc_expire, name="lpc_expire"),
]
