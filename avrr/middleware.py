from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

from avrr.models import User
from avrr.two_steps import step_left

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
