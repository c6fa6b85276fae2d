"""Headers for every response the application makes (static files are served before,
by whitenoise, and keep their long cache)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Browser features no page uses, refused to every page and to anything it would embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "display-capture",
        "browsing-topics",
    )
)


def private_responses(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """No response is kept in a cache, the browser's included: pages, files and API answers
    carry personal data, and a shared computer's back button or disk must not show them
    once the session is over. Every response rather than those of a signed-in user: a
    partner's API key is only checked in the API view, after this middleware saw an
    anonymous request, and nothing the application makes is worth caching."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        patch_cache_control(response, no_store=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
