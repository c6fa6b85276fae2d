from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "cases.referrals"
    label = "referrals"
    verbose_name = _("Référencements")

    def ready(self) -> None:
        from avrr.navigation import NavEntry, register
        from cases.referrals import access
        from cases.referrals.timeline import describe_referral_status
        from cases.timeline import register_description

        register(NavEntry(_("Référencements"), "referrals:list", access.can_list_referrals, 120))
        register_description("referral.status", describe_referral_status)
