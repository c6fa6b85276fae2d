from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from avrr.models import User
from avrr.rules import can_use_admin_site
from avrr.two_steps import is_verified


class AvrrAdminSite(admin.AdminSite):
    site_header = _("Administration RVA")
    site_title = _("Administration RVA")
    index_title = _("Utilisateurs, organisations et paramètres")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return can_use_admin_site(user) and isinstance(user, User) and is_verified(user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The site's own sign-in, with its second step: the admin's asks for no code."""
        if request.user.is_authenticated:
            # Signed in without the right to the admin site: sending them to sign in again
            # would come straight back here.
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index")), reverse("login")
        )
