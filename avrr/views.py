from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language
from rest_framework.exceptions import NotFound

from avrr import rules, two_steps
from avrr.forms import OtpCodeForm, RecoveryCodeForm
from avrr.health import State, dependency_states
from avrr.home import panels_for
from avrr.services import (
    audit_record,
    user_otp_enrol,
    user_otp_recovery_codes_renew,
    user_otp_remove,
    user_otp_start,
    user_otp_verify,
    user_set_language,
)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    states = dependency_states()
    healthy = all(state != State.DOWN for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": states},
        status=200 if healthy else 503,
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address under /api/ that names nothing is answered as the API answers a record
    out of reach: in JSON, with DRF's message. Any other, with the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's work list: the panels the apps registered for the user."""
    user = rules.request_user(request)
    context = {
        "panels": panels_for(user),
        "office": rules.works_for_iom_office(user),
        "mission_country": rules.mission_country(user),
        "referring_organisation": rules.referring_organisation(user),
        "sees_personal_data": rules.sees_personal_data(user),
        "sees_programme_figures": rules.sees_programme_figures(user),
    }
    return render(request, "avrr/home.html", context)


class LoginView(auth_views.LoginView):
    """Signs in and switches the interface to the user's own language."""

    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")
    template_name = "registration/password_change.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.user, action="user.set_password", target=form.user)
        return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, and remember it for a signed-in user's e-mails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = rules.active_user(request.user)
    if user is not None and language in dict(settings.LANGUAGES):
        user_set_language(actor=user, user=user, language=language)
    return response


def _next_url(request: HttpRequest) -> str:
    """Where to go once the step is done: the page asked for, if it is on this site."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _recovery_codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The recovery codes, shown this once (they are not shown again)."""
    return render(
        request,
        "registration/otp_recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    user = rules.request_user(request)
    if two_steps.is_verified(user) or not two_steps.has_authenticator(user):
        return redirect(_next_url(request))
    form = OtpCodeForm(request.POST if "code" in request.POST else None)
    recovery_form = RecoveryCodeForm(request.POST if "recovery_code" in request.POST else None)
    for current, field in ((form, "code"), (recovery_form, "recovery_code")):
        if current.is_valid():
            device = user_otp_verify(actor=user, code=current.cleaned_data[field])
            if device is not None:
                django_otp.login(request, device)
                return redirect(_next_url(request))
            current.add_error(
                field,
                _(
                    "Code refusé. Vérifiez-le ; après plusieurs erreurs, attendez un moment "
                    "avant de réessayer."
                ),
            )
    context = {
        "form": form,
        "recovery_form": recovery_form,
        "recovery_open": recovery_form.is_bound,
        "next": _next_url(request),
    }
    return render(request, "registration/otp_verify.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: the authenticator's secret (QR code and text), confirmed with a code;
    then the recovery codes."""
    user = rules.request_user(request)
    device = user_otp_start(user=user)
    form = OtpCodeForm(request.POST or None)
    if form.is_valid():
        codes = user_otp_enrol(actor=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            return _recovery_codes_page(request, codes)
        form.add_error(
            "code",
            _("Code refusé. Vérifiez l'heure du téléphone et saisissez le code affiché."),
        )
    context = {
        "form": form,
        "qr_code": two_steps.qr_code_svg(device),
        "secret": two_steps.secret_text(device),
        "required": rules.must_use_two_steps(user),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's two-step verification: its state and what they may do with it."""
    user = rules.request_user(request)
    enrolled = two_steps.has_authenticator(user)
    context = {
        "enrolled": enrolled,
        "codes_left": two_steps.recovery_codes_left(user) if enrolled else 0,
        "can_disable": enrolled and not rules.must_use_two_steps(user),
    }
    return render(request, "registration/security.html", context)


@require_POST
@login_required
def otp_recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    user = rules.request_user(request)
    if not two_steps.has_authenticator(user):
        raise PermissionDenied
    return _recovery_codes_page(request, user_otp_recovery_codes_renew(actor=user))


@require_POST
@login_required
def otp_disable(request: HttpRequest) -> HttpResponse:
    user = rules.request_user(request)
    if rules.must_use_two_steps(user):
        raise PermissionDenied
    user_otp_remove(actor=user, user=user)
    messages.success(request, _("La vérification en deux étapes est désactivée."))
    return redirect("security")
