"""Referral pages: partner NGOs submit and follow; IOM offices triage.

Objects come through cases.access; writes go through cases.referrals.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avrr.rules import request_user
from avrr.uploads import protected_file_response
from cases import services as case_services
from cases.referrals import access, selectors, services, spreadsheet
from cases.referrals.forms import (
    BulkUploadForm,
    DeclineForm,
    ReferralForm,
    ReferredPeopleFormSet,
    people_initial,
)

REFERRALS_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _detail_url(pk: int) -> str:
    return reverse("referrals:detail", args=[pk])


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_list_referrals(user):
        raise PermissionDenied
    is_ngo = access.sees_referrals_as_referrer(user)
    referrals = selectors.referral_list(
        access.referrals_for(user), as_referring_organisation=is_ngo
    )
    referral_filter = selectors.ReferralFilter(
        request.GET or None, queryset=referrals, request=request
    )
    page = Paginator(referral_filter.qs, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/referral_list.html",
        {"filter": referral_filter, "page": page, "query": query.urlencode(), "is_ngo": is_ngo},
    )


def _referral_form_page(request: HttpRequest, referral_pk: int | None = None) -> HttpResponse:
    """The NGO's form: a new referral, or the correction of one not yet under review."""
    user = request_user(request)
    # An object out of reach is a 404 before anything else is said about it.
    referral = access.referral_for(user, referral_pk) if referral_pk is not None else None
    if not access.can_submit_referrals(user):
        raise PermissionDenied
    if referral is not None and not access.can_correct_referral(user, referral):
        messages.error(request, _("Ce référencement n'est plus modifiable : l'OIM l'examine déjà."))
        return redirect(_detail_url(referral.pk))
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ReferralForm(
        post, files, initial=ReferralForm.initial_from(referral) if referral else None
    )
    people = ReferredPeopleFormSet(
        post, prefix="people", initial=people_initial(referral) if referral else None
    )
    if post is not None and form.is_valid() and people.is_valid():
        data = form.referral_data(
            [person.person_data() for person in people if person.cleaned_data]
        )
        try:
            if referral is None:
                referral, _created = services.referral_submit(actor=user, data=data)
                messages.success(
                    request,
                    _("Référencement %(reference)s envoyé à l'OIM.")
                    % {"reference": referral.reference},
                )
            else:
                services.referral_correct(actor=user, referral=referral, data=data)
                messages.success(request, _("Référencement corrigé."))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(_detail_url(referral.pk))
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "people_forms": people, "referral": referral},
    )


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    return _referral_form_page(request)


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_form_page(request, pk)


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    is_ngo = access.sees_referrals_as_referrer(user)
    referral = (
        selectors.referral_detail(access.referrals_for(user), as_referring_organisation=is_ngo)
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    can_triage = access.can_triage_referral(user, referral)
    if can_triage:
        services.referral_view_record(actor=user, referral=referral)
    can_decide = access.can_decide_referral(user, referral)
    # Known people are shown before accepting, as on the registration form.
    known = (
        case_services.duplicate_check(actor=user, people=services.referral_people_data(referral))
        if can_decide
        else []
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "is_ngo": is_ngo,
            "can_correct": access.can_correct_referral(user, referral),
            "can_start_review": access.can_start_review(user, referral),
            "can_decide": can_decide,
            "known": known,
            "decline_form": DeclineForm(),
        },
    )


def _triage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    referral = access.referral_for(user, pk)
    try:
        if action == "review":
            services.referral_review_start(actor=user, referral=referral)
            messages.success(request, _("Référencement en cours d'examen ; l'ONG en est informée."))
        elif action == "accept":
            case = services.referral_accept(actor=user, referral=referral)
            messages.success(
                request,
                _("Dossier %(number)s ouvert à partir du référencement.") % {"number": case.number},
            )
            return redirect("cases:detail", case.pk)
        elif action == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.referral_decline(actor=user, referral=referral, reason=reason)
            messages.success(request, _("Référencement refusé ; l'ONG lira le motif."))
        elif action == "withdraw":
            services.referral_withdraw(actor=user, referral=referral)
            messages.success(request, _("Référencement retiré."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_detail_url(referral.pk))


@login_required
@require_POST
def referral_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _triage_action(request, pk, "review")


@login_required
@require_POST
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _triage_action(request, pk, "accept")


@login_required
@require_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _triage_action(request, pk, "decline")


@login_required
@require_POST
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _triage_action(request, pk, "withdraw")


@login_required
def referral_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    user = request_user(request)
    attachment = access.referral_attachment_for(user, referral_pk=pk, pk=attachment_pk)
    services.referral_attachment_view_record(actor=user, attachment=attachment)
    return protected_file_response(attachment)


@login_required
def referral_bulk(request: HttpRequest) -> HttpResponse:
    """Several referrals from one spreadsheet: every row checked, all saved or none."""
    user = request_user(request)
    if not access.can_submit_referrals(user):
        raise PermissionDenied
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = spreadsheet.parse_referral_file(upload, filename=upload.name)
        if not result.errors:
            try:
                referrals = services.referral_submit_many(
                    actor=user, referrals=result.referrals_to_submit()
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("%(count)s référencements envoyés à l'OIM.") % {"count": len(referrals)},
                )
                return redirect("referrals:list")
    return render(request, "referrals/referral_bulk.html", {"form": form, "result": result})


@login_required
def referral_template(request: HttpRequest) -> HttpResponse:
    if not access.can_submit_referrals(request_user(request)):
        raise PermissionDenied
    response = HttpResponse(spreadsheet.referral_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="referencements-modele.xlsx"'
    return response
