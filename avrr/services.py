"""Writes on users, organisations and the audit trail."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

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
