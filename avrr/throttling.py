"""Request rates limited per organisation, whichever of its users or API keys sends them.

A partner's tool may hold several keys, and its staff several accounts: the limit is the
organisation's, so adding keys or accounts does not raise it.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from avrr.client_address import client_address
from avrr.models import User


class OrganisationRateThrottle(SimpleRateThrottle):
    """Counts the requests of the user's organisation (of the user, when it has none).

    The rate is `DEFAULT_THROTTLE_RATES[scope]` of REST_FRAMEWORK, read at each request so
    that a changed setting applies at once. Anonymous requests are counted by address.
    """

    scope = "referrals"

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
