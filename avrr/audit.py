"""What each action of the audit trail is called, for the people who read the trail.

Events store a stable code (`auth.login`, `case.assign`…). Each app names its own actions
with `register_action_labels` from its `AppConfig.ready()`, so that `avrr` never imports
the apps that audit; avrr's own (sign-ins, users, organisations, API keys) are below.
"""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

_labels: dict[str, Label] = {}


def register_action_labels(labels: Mapping[str, Label]) -> None:
    """Name the actions of `labels` (again with the same label: no change)."""
    for action, label in labels.items():
        if _labels.setdefault(action, label) != label:
            raise ValueError(f"The action {action!r} already has a label.")


def action_label(action: str) -> str:
    """The action's label in the current language; its code if it has none."""
    return str(_labels.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    """Every named action with its label, by label."""
    return sorted(((action, str(label)) for action, label in _labels.items()), key=lambda c: c[1])


register_action_labels(
    {
        "auth.login": _("Connexion"),
        "auth.logout": _("Déconnexion"),
        "auth.login_failed": _("Échec de connexion"),
        "user.create": _("Utilisateur créé"),
        "user.change": _("Utilisateur modifié"),
        "user.set_password": _("Mot de passe changé"),
        "user.set_language": _("Langue changée"),
        "user.otp_enrol": _("Vérification en deux étapes activée"),
        "user.otp_failed": _("Code de vérification refusé"),
        "user.otp_recovery_used": _("Code de secours utilisé"),
        "user.otp_recovery_renew": _("Codes de secours renouvelés"),
        "user.otp_disable": _("Vérification en deux étapes désactivée"),
        "user.otp_reset": _("Vérification en deux étapes réinitialisée par un administrateur"),
        "organisation.create": _("Organisation créée"),
        "organisation.change": _("Organisation modifiée"),
        "api_key.create": _("Clé d'API créée"),
        "api_key.revoke": _("Clé d'API révoquée"),
    }
)
