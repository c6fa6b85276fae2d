"""The application's own middleware: the headers of every response (static files are
served before, by whitenoise, and keep their long cache), and the second sign-in step."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control

from avrr.models import User
from avrr.two_steps import step_left

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


# What a user who has not finished signing in may still reach besides that step's page.
_ALWAYS_OPEN = frozenset({"logout", "set_language", "health"})


class TwoStepMiddleware:
    """Until a signed-in user has given their second factor (or, when their role requires
    one, enrolled), every page sends them to that step; API keys are not concerned (their
    requests carry no session user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            step = step_left(user)
            if step is not None and self._url_name(request) not in _ALWAYS_OPEN | {step}:
                return redirect_to_login(request.get_full_path(), reverse(step))
        return self.get_response(request)

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
