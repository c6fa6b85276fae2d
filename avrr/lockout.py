"""Sign-in throttling that slows guessing without letting anyone lock a user out.

django-axes records each failed sign-in (user name, client address); two limits count them
over the last LOGIN_COOLOFF_MINUTES, apart (AXES_LOCKOUT_PARAMETERS = ["username",
"ip_address"]: in django-axes a flat list counts each parameter on its own, a nested list
their combination):

- per address (LOGIN_FAILURE_LIMIT, any user names): one address guessing one password
  across many accounts is stopped;
- per account (LOGIN_ACCOUNT_FAILURE_LIMIT, higher, any addresses): once reached, the
  account is closed to the addresses that failed on it. An address that has not failed on
  it may still sign in, so that its owner always can while someone guesses from elsewhere;
  a right password clears the account's failures.

Tries while locked are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so
they do not extend the lock, which ends LOGIN_COOLOFF_MINUTES after the last counted
failure. A password set by a service, an admin unlocking in the admin site, or
`manage.py axes_reset_username` clears an account's failures.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[Any]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The failures held against this request, to compare with LOGIN_FAILURE_LIMIT: the
        address's own, or the whole limit when the account is closed to this address."""
        address: str | None = getattr(request, "axes_ip_address", None)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        address_failures = _failures(recent.filter(ip_address=address))
        username = get_client_username(request, credentials)
        if username is None:
            return address_failures
        by_account = recent.filter(username=username)
        account_closed = (
            _failures(by_account) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT
            and by_account.filter(ip_address=address).exists()
        )
        if account_closed:
            return max(address_failures, settings.AXES_FAILURE_LIMIT)
        return address_failures

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a right password, the account's failures only: the address's others stay,
        or anyone could clear their address by signing in to an account of their own."""
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
