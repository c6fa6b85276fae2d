"""Who a user is, as the access rules need it: the building blocks of every app's access.py.

This module knows users, organisations and roles, and nothing of the apps built on them.
"""

from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from avrr.models import Organisation, User
from avrr.roles import Role

AnyUser = User | AnonymousUser

IOM_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.REINTEGRATION_OFFICER, Role.ADMIN})
# Roles that work with individual people's records. Ministries see aggregates only;
# partner NGOs see only what their own organisation submitted.
PERSONAL_DATA_ROLES = IOM_ROLES


class _Request(Protocol):
    # A Django HttpRequest or a DRF Request.
    @property
    def user(self) -> "AnyUser": ...


def request_user(request: _Request) -> User:
    """The application user making the request; anyone else is refused (403)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def active_user(user: AnyUser) -> User | None:
    """The user as an application user, or None when anonymous or deactivated.

    Deactivating an organisation shuts out all its users at once.
    """
    if not isinstance(user, User) or not user.is_active:
        return None
    if user.organisation is not None and not user.organisation.is_active:
        return None
    return user


def has_role(user: AnyUser, *roles: Role) -> bool:
    current = active_user(user)
    return current is not None and current.role in roles


def sees_personal_data(user: AnyUser) -> bool:
    return has_role(user, *PERSONAL_DATA_ROLES)


def sees_programme_figures(user: AnyUser) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.MINISTRY_FOCAL_POINT, Role.ADMIN)


def works_for_iom_office(user: AnyUser) -> Organisation | None:
    """The IOM office in Morocco whose cases the user works on, if any."""
    current = active_user(user)
    if current is None or current.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return None
    return current.office


def mission_country(user: AnyUser) -> str | None:
    """The country of origin whose returnees a reintegration officer follows, if any."""
    current = active_user(user)
    if current is None or current.role != Role.REINTEGRATION_OFFICER:
        return None
    return current.mission_country


def referring_organisation(user: AnyUser) -> Organisation | None:
    """The partner NGO on whose behalf the user refers people, if any."""
    current = active_user(user)
    if current is None or current.role != Role.NGO_REFERRER:
        return None
    organisation = current.organisation
    if organisation is None or organisation.kind != Organisation.Kind.NGO:
        return None
    return organisation


def can_use_admin_site(user: AnyUser) -> bool:
    current = active_user(user)
    return current is not None and (current.is_superuser or current.role == Role.ADMIN)


def must_use_two_steps(user: AnyUser) -> bool:
    """Whether the user's role requires the second step (settings.OTP_REQUIRED_ROLES): such
    users reach no page before they have enrolled, and may not turn it off."""
    current = active_user(user)
    return current is not None and current.role in settings.OTP_REQUIRED_ROLES
