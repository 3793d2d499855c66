"""Who is making a request, as the type the services record writes under."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def signed_in_user(request: HttpRequest | Request) -> User:
    """The signed-in user making `request`. Views that write already require one; an anonymous
    request that gets here all the same is refused (403), never recorded as nobody."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to make changes.")
    return user
