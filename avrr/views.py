from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from rest_framework.exceptions import NotFound

from avrr import rules
from avrr.health import State, dependency_states
from avrr.home import panels_for
from avrr.services import audit_record, user_set_language


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
