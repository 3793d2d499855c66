"""Who may do what, for the API, the pages and the admin alike: members of the "scheduler"
group write, every signed-in user reads."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

SCHEDULER_GROUP = "scheduler"
DENIED_MESSAGE = "Only members of the scheduler group may change timetables."


def user_is_scheduler(user: Any) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_scheduler", None)
    if cached is None:
        cached = user.groups.filter(name=SCHEDULER_GROUP).exists()
        user._is_scheduler = cached
    return bool(cached)


class IsSchedulerOrReadOnly(BasePermission):
    """Reads (and views flagged `read_only_post`) for everyone signed in; writes for schedulers."""

    message = DENIED_MESSAGE

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS or getattr(view, "read_only_post", False):
            return True
        return user_is_scheduler(request.user)
