from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "cases.referrals"
    label = "referrals"
    verbose_name = _("Référencements")

    def ready(self) -> None:
        from avrr.audit import register_action_labels
        from avrr.demo import register_demo_loader
        from avrr.navigation import NavEntry, register
        from avrr.outbox import register_handler
        from cases.referrals import access
        from cases.referrals.home import register_panels
        from cases.referrals.notifications import STATUS_EMAIL, referral_notify
        from cases.referrals.services import referral_case_departed
        from cases.referrals.timeline import describe_referral_status
        from cases.timeline import register_description
        from cases.workflow import register_status_listener

        register(NavEntry(_("Référencements"), "referrals:list", access.can_list_referrals, 120))
        register_description("referral.status", describe_referral_status)
        register_demo_loader("cases.referrals.demo.demo_referrals_load")
        register_panels()
        register_handler(STATUS_EMAIL, referral_notify)
        register_status_listener(referral_case_departed)
        register_action_labels(
            {
                "referral.submit": _("Référencement soumis"),
                "referral.correct": _("Référencement corrigé"),
                "referral.status": _("Statut du référencement changé"),
                "referral.view": _("Référencement consulté"),
                "referral_attachment.view": _("Document d'un référencement consulté"),
            }
        )
