from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from avrr.rules import can_use_admin_site


class AvrrAdminSite(admin.AdminSite):
    site_header = _("Administration RVA")
    site_title = _("Administration RVA")
    index_title = _("Utilisateurs, organisations et paramètres")

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin_site(request.user)
