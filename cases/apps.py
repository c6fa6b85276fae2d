from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from avrr.demo import register_demo_loader
        from avrr.navigation import NavEntry, register
        from cases import access

        register(NavEntry(_("Dossiers"), "cases:list", access.can_list_cases, 100))
        register(NavEntry(_("Charge de travail"), "cases:caseload", access.can_see_caseload, 110))
        register_demo_loader("cases.demo.demo_cases_load")
