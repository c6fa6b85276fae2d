"""Writes on users, organisations and the audit trail."""

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from avrr.models import AuditEvent, Organisation, User
from avrr.roles import ROLE_DEFAULT_PERMISSIONS, Role, group_name


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    scope: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail. `actor` None means the system itself.

    `scope` is the record in whose timeline the event shows (by default the target).
    """
    scope = scope if scope is not None else target
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        scope_type=ContentType.objects.get_for_model(scope) if scope is not None else None,
        scope_id=str(scope.pk) if scope is not None else "",
        changes=changes or {},
        ip_address=ip_address,
    )


def role_groups_ensure() -> None:
    """Create each role's group with its default permissions; keep what admins added."""
    for role, codenames in ROLE_DEFAULT_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def user_sync_role(*, user: User) -> None:
    """Make the user's admin-site flag and group follow their role."""
    is_staff = user.role == Role.ADMIN or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    group, _ = Group.objects.get_or_create(name=group_name(Role(user.role)))
    user.groups.set([group])


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    organisation: Organisation | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
) -> User:
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_sync_role(user=user)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"role": role.value, "organisation": organisation.pk if organisation else None},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # A new password ends the account's sign-in lock (avrr/lockout.py).
    axes_reset(username=user.get_username())
    audit_record(actor=actor, action="user.set_password", target=user)


@transaction.atomic
def user_set_language(*, actor: User, user: User, language: str) -> None:
    if user.language == language:
        return
    previous = user.language
    user.language = language
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=["language"])
    audit_record(
        actor=actor,
        action="user.set_language",
        target=user,
        changes={"language": [previous, language]},
    )


# Two-step verification: a TOTP device (an authenticator application) and single-use
# recovery codes (a static device), with django-otp. Both throttle failed codes.
RECOVERY_CODE_COUNT = 10


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def user_otp_start(*, user: User) -> TOTPDevice:
    """The authenticator the user is enrolling: the one already begun, or a new secret.

    Not audited: nothing changes for the user until the device is confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def user_otp_enrol(*, actor: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device being enrolled with a code it shows: it replaces the user's other
    devices, and new recovery codes are returned, to be shown once. None: a wrong code."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValueError("Only the user's own device being enrolled can be confirmed.")
    if not device.verify_token(code):
        audit_record(actor=actor, action="user.otp_failed", target=actor)
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(actor)
    audit_record(actor=actor, action="user.otp_enrol", target=actor)
    return codes


@transaction.atomic
def user_otp_provision(*, actor: User | None, user: User) -> tuple[TOTPDevice, list[str]]:
    """Give the user a confirmed authenticator secret and recovery codes, replacing theirs:
    for the demo, whose users are given their secret with their password."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = _recovery_codes_replace(user)
    audit_record(actor=actor, action="user.otp_enrol", target=user, changes={"provisioned": True})
    return device, codes


@transaction.atomic
def user_otp_verify(*, actor: User, code: str) -> Device | None:
    """The user's device that accepts the code: the authenticator's six digits, or one of
    the recovery codes (then used up). None when none does; failures are audited."""
    code = "".join(code.split()).lower()
    if code.isdigit():
        devices: list[Device] = list(
            TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True)
        )
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=actor))
    for device in devices:
        if device.verify_token(code):
            if isinstance(device, StaticDevice):
                audit_record(
                    actor=actor,
                    action="user.otp_recovery_used",
                    target=actor,
                    changes={"remaining": device.token_set.count()},
                )
            return device
    audit_record(actor=actor, action="user.otp_failed", target=actor)
    return None


@transaction.atomic
def user_otp_recovery_codes_renew(*, actor: User) -> list[str]:
    """New recovery codes for the user, to be shown once; the old ones stop working."""
    codes = _recovery_codes_replace(actor)
    audit_record(actor=actor, action="user.otp_recovery_renew", target=actor)
    return codes


@transaction.atomic
def user_otp_remove(*, actor: User, user: User) -> None:
    """Remove the user's authenticator and recovery codes: the user turning two-step
    verification off, or an administrator resetting it for a user who lost their phone."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    action = "user.otp_disable" if actor.pk == user.pk else "user.otp_reset"
    audit_record(actor=actor, action=action, target=user)
