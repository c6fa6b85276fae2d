"""Demo organisations and one demo user per role, for trying the application out."""

import dataclasses
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.services import user_create, user_otp_provision, user_set_password
from avrr.two_steps import secret_text

DEMO_ORGANISATIONS = [
    ("OIM Rabat", "RBA", Organisation.Kind.IOM_OFFICE, "MA", True),
    ("OIM Oujda", "OUJ", Organisation.Kind.IOM_OFFICE, "MA", True),
    ("Mission OIM Guinée", "GIN", Organisation.Kind.IOM_MISSION, "GN", True),
    ("Mission OIM Congo", "COG", Organisation.Kind.IOM_MISSION, "CG", False),
    ("Ministère de l'Intérieur", "MI", Organisation.Kind.GOVERNMENT, "MA", True),
    ("Association Solidarité Migrants (démo)", "ASM", Organisation.Kind.NGO, "MA", True),
    ("Collectif Accueil Oriental (démo)", "CAO", Organisation.Kind.NGO, "MA", True),
]

DEMO_USERS = [
    ("agent.rabat", "Salma", "Bennani", Role.CASEWORKER, "RBA"),
    ("superviseur.rabat", "Youssef", "El Amrani", Role.SUPERVISOR, "RBA"),
    ("reintegration.guinee", "Mamadou", "Camara", Role.REINTEGRATION_OFFICER, "GIN"),
    ("ministere", "Nadia", "Alaoui", Role.MINISTRY_FOCAL_POINT, "MI"),
    ("ong.asm", "Fatou", "Diallo", Role.NGO_REFERRER, "ASM"),
    ("admin", "Karim", "Idrissi", Role.ADMIN, "RBA"),
]


@dataclasses.dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    organisation: str
    # For the roles that must use two-step verification: the authenticator's key to add
    # to an application, and recovery codes for signing in without one.
    totp_key: str = ""
    recovery_codes: tuple[str, ...] = ()


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Create what is missing, and give every demo user a fresh random password (and, where
    the role requires two-step verification, a fresh authenticator key and recovery codes)."""
    organisations = {}
    for name, code, kind, country, operational in DEMO_ORGANISATIONS:
        organisations[code], _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "country": country,
                "is_operational": operational,
            },
        )
    logins = []
    for username, first_name, last_name, role, code in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                role=role,
                organisation=organisations[code],
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.org",
            )
        else:
            user_set_password(actor=None, user=user, password=password)
        login = DemoLogin(username, password, role, organisations[code].name)
        if role in settings.OTP_REQUIRED_ROLES:
            device, recovery_codes = user_otp_provision(actor=None, user=user)
            login = dataclasses.replace(
                login, totp_key=secret_text(device), recovery_codes=tuple(recovery_codes)
            )
        logins.append(login)
    return logins


# Apps add their own demo records (cases, referrals…) after the users exist; each loader
# returns a one-line summary of what it loaded. A loader is registered by its dotted path
# and imported only when demo data is loaded, so that its module (often large) is never
# imported at start-up.
DemoLoader = Callable[[], str]
_loaders: list[str] = []


def register_demo_loader(dotted_path: str) -> None:
    """Register `"app.module.function"` (again: no change); nothing is imported now."""
    if dotted_path not in _loaders:
        _loaders.append(dotted_path)


def demo_loaders() -> list[DemoLoader]:
    """The registered loaders, imported now, in the order they were registered."""
    return [import_string(dotted_path) for dotted_path in _loaders]
