"""Organisation API keys: creation, revocation and request authentication."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from avrr.models import ApiKey, Organisation, User
from avrr.roles import Role
from avrr.rules import active_user
from avrr.services import audit_record, user_sync_role

KEYWORD = "Api-Key"
# How often last_used_at is refreshed: often enough to audit, rarely enough not to
# write on every request.
LAST_USED_PRECISION = timedelta(minutes=5)
ROLE_FOR_KIND = {
    Organisation.Kind.NGO: Role.NGO_REFERRER,
    Organisation.Kind.GOVERNMENT: Role.MINISTRY_FOCAL_POINT,
}


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _technical_user(organisation: Organisation) -> User:
    role = ROLE_FOR_KIND.get(Organisation.Kind(organisation.kind))
    if role is None:
        raise ValueError(f"{organisation.code}: API keys are for NGOs and ministries.")
    # Tied to the organisation itself, not to its code: a code can be given again later.
    user, created = User.objects.get_or_create(
        organisation=organisation,
        username=f"api.{organisation.code.lower()}.{organisation.pk}",
        defaults={"role": role, "first_name": "API"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_sync_role(user=user)
    return user


@transaction.atomic
def api_key_create(
    *, actor: User | None, organisation: Organisation, name: str
) -> tuple[ApiKey, str]:
    """A new key for the organisation; returns it with the raw key, which is never stored."""
    prefix = secrets.token_hex(4)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        organisation=organisation,
        user=_technical_user(organisation),
        name=name,
        prefix=prefix,
        hashed_key=_hash(raw_key),
    )
    audit_record(actor=actor, action="api_key.create", target=api_key)
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: User | None, api_key: ApiKey) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_key.revoke", target=api_key)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`: the request acts as the organisation's API user."""

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Api-Key invalide."))
        api_key = (
            ApiKey.objects.select_related("user__organisation", "organisation")
            .filter(hashed_key=_hash(header[1]), revoked_at__isnull=True)
            .first()
        )
        if api_key is None or active_user(api_key.user) is None:
            raise exceptions.AuthenticationFailed(_("Clé d'API inconnue ou révoquée."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            api_key.last_used_at = now
            api_key.save(update_fields=["last_used_at"])
        return api_key.user, api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
