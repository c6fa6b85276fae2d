from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from avrr.models import User
from avrr.rules import active_user


class ActiveOrganisationBackend(ModelBackend):
    """Signs in only active users of active organisations; loads both in one query."""

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return user is not None and active_user(user) is not None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
