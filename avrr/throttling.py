"""Request rates limited per organisation, whichever of its users or API keys sends them.

A partner's tool may hold several keys, and its staff several accounts: the limit is the
organisation's, so adding keys or accounts does not raise it.

Requests are counted in the cache (Redis), which every web worker shares. While Redis is
unreachable they are counted in the database instead, which every worker shares too: the
limit still holds and no request fails for it. There the count is per fixed window of the
rate's period (120/hour: from each hour's start) rather than over the last period.
"""

import hashlib
import logging
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from redis import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from avrr.client_address import client_address
from avrr.models import RateCounter, User

logger = logging.getLogger(__name__)


def rate_counter_increment(*, scope: str, ident: str, window_start: datetime) -> int:
    """Count one request of `ident` in the window; returns the window's count so far.

    One atomic upsert, committed at once (API requests run in autocommit), so that
    concurrent requests in any worker each see their own count. A window's first request
    forgets the client's earlier windows.
    """
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, ident, window_start, hits) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) ON CONFLICT (scope, ident, window_start) "
            f"DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [scope, ident, connection.ops.adapt_datetimefield_value(window_start)],
        )
        (hits,) = cursor.fetchone()
    if hits == 1:
        RateCounter.objects.filter(scope=scope, ident=ident, window_start__lt=window_start).delete()
    return int(hits)


class OrganisationRateThrottle(SimpleRateThrottle):
    """Counts the requests of the user's organisation (of the user, when it has none).

    The rate is `DEFAULT_THROTTLE_RATES[scope]` of REST_FRAMEWORK, read at each request so
    that a changed setting applies at once. Anonymous requests are counted by address.
    """

    scope = "referrals"
    # Set from the rate by SimpleRateThrottle (None: no limit).
    num_requests: int | None
    duration: int | None
    # While counting in the database: the seconds until the window's end, once refused.
    database_wait: float | None = None

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(
                f"No rate for the throttle scope {self.scope!r} in DEFAULT_THROTTLE_RATES."
            )
        rate = rates[self.scope]
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            if user.organisation_id is not None:
                ident = f"organisation-{user.organisation_id}"
            else:
                ident = f"user-{user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request: Request) -> str:
        # DRF's own reads X-Forwarded-For whoever sent it.
        return client_address(request._request) or ""

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.database_wait = None
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            logger.warning(
                "Throttle scope %s counted in the database: cache unreachable (%s).",
                self.scope,
                type(error).__name__,
            )
            return self._allow_counted_in_database()

    def _allow_counted_in_database(self) -> bool:
        if self.key is None or self.num_requests is None or self.duration is None:
            return True
        now = self.timer()
        start = now - now % self.duration
        hits = rate_counter_increment(
            scope=str(self.scope),
            # A fixed length, whatever a client's address header holds.
            ident=hashlib.sha256(self.key.encode()).hexdigest(),
            window_start=datetime.fromtimestamp(start, tz=UTC),
        )
        if hits > self.num_requests:
            self.database_wait = start + self.duration - now
            return False
        return True

    def wait(self) -> float | None:
        if self.database_wait is not None:
            return self.database_wait
        return super().wait()
