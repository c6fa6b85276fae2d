"""Sign-ins, sign-outs and failed sign-ins go to the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from avrr.client_address import client_address
from avrr.models import User
from avrr.services import audit_record


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_address(request)


@receiver(user_logged_in)
def _audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", target=user, ip_address=_client_ip(request))


@receiver(user_logged_out)
def _audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user, ip_address=_client_ip(request))


@receiver(user_login_failed)
def _audit_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=None,
        action="auth.login_failed",
        changes={"username": str(credentials.get("username", ""))[:150]},
        ip_address=_client_ip(request),
    )
