from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(**kwargs: Any) -> None:
    from avrr.services import role_groups_ensure

    role_groups_ensure()


def _register_navigation() -> None:
    from avrr import rules
    from avrr.navigation import NavEntry, register
    from avrr.roles import Role

    register(NavEntry(_("Accueil"), "home", lambda user: rules.active_user(user) is not None, 0))
    register(
        NavEntry(
            _("API"),
            "api-docs",
            lambda user: rules.has_role(
                user, Role.ADMIN, Role.NGO_REFERRER, Role.MINISTRY_FOCAL_POINT
            ),
            900,
        )
    )
    register(NavEntry(_("Administration"), "admin:index", rules.can_use_admin_site, 1000))


class AvrrConfig(AppConfig):
    name = "avrr"
    verbose_name = _("Utilisateurs, organisations et audit")

    def ready(self) -> None:
        from avrr import signals  # noqa: F401  (connects the authentication audit)
        from avrr.roles import Role

        unknown = set(settings.OTP_REQUIRED_ROLES) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                f"OTP_REQUIRED_ROLES: unknown roles {', '.join(sorted(unknown))}"
                f" (expected: {', '.join(Role.values)} or none)"
            )

        post_migrate.connect(_ensure_role_groups, sender=self)
        _register_navigation()
