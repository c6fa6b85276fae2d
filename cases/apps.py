from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from avrr.audit import register_action_labels
        from avrr.demo import register_demo_loader
        from avrr.navigation import NavEntry, register
        from cases import access
        from cases.home import register_panels

        register(NavEntry(_("Dossiers"), "cases:list", access.can_list_cases, 100))
        register(NavEntry(_("Charge de travail"), "cases:caseload", access.can_see_caseload, 110))
        register_demo_loader("cases.demo.demo_cases_load")
        register_panels()
        register_action_labels(
            {
                "case.create": _("Dossier ouvert"),
                "case.view": _("Dossier consulté"),
                "case.update": _("Dossier modifié"),
                "case.assign": _("Dossier réassigné"),
                "case.transition": _("Statut du dossier changé"),
                "person.create": _("Personne ajoutée"),
                "person.update": _("Personne modifiée"),
                "person.duplicate_link": _("Personne liée à un dossier existant"),
                "person.duplicate_dismiss": _("Doublon possible écarté"),
                "person.duplicate_check": _("Personnes connues recherchées"),
                "person.link_request": _("Lien demandé à un autre bureau"),
                "person.link_confirm": _("Lien entre bureaux confirmé"),
                "person.link_decline": _("Lien entre bureaux refusé"),
                "assistance.create": _("Assistance enregistrée"),
                "counselling.create": _("Séance de conseil enregistrée"),
                "declaration.create": _("Déclaration de retour volontaire enregistrée"),
                "attachment.create": _("Pièce jointe ajoutée"),
                "attachment.view": _("Pièce jointe consultée"),
                "sensitive_note.create": _("Note sensible ajoutée"),
            }
        )
