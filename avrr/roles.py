"""The roles a user can hold, and the Django groups they map onto."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Agent·e de dossiers")
    SUPERVISOR = "supervisor", _("Superviseur·e")
    REINTEGRATION_OFFICER = "reintegration_officer", _("Chargé·e de réintégration")
    MINISTRY_FOCAL_POINT = "ministry_focal_point", _("Point focal ministériel")
    NGO_REFERRER = "ngo_referrer", _("Référent·e ONG")
    ADMIN = "admin", _("Administrateur·rice")


# Permissions each role's group is given when it is created. They govern the admin site
# only; what a role may see and change in the application is decided by the access rules.
ROLE_DEFAULT_PERMISSIONS: dict[Role, list[str]] = {
    Role.CASEWORKER: [],
    Role.SUPERVISOR: [],
    Role.REINTEGRATION_OFFICER: [],
    Role.MINISTRY_FOCAL_POINT: [],
    Role.NGO_REFERRER: [],
    Role.ADMIN: [
        "avrr.add_organisation",
        "avrr.change_organisation",
        "avrr.view_organisation",
        "avrr.add_user",
        "avrr.change_user",
        "avrr.view_user",
        "avrr.view_auditevent",
        "auth.view_group",
        "auth.change_group",
        "authtoken.add_tokenproxy",
        "authtoken.view_tokenproxy",
        "authtoken.delete_tokenproxy",
        "avrr.view_apikey",
        "avrr.change_apikey",
        # Failed sign-ins: deleting them lifts a lock-out (avrr/lockout.py).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        # Reference data of the departure phase.
        "departure.add_embassy",
        "departure.change_embassy",
        "departure.view_embassy",
    ],
}


def group_name(role: Role) -> str:
    return f"role:{role.value}"
