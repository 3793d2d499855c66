"""Signing in, with its limits: a throttle per client address (core/throttling.py) and a lockout
of a username from an address after repeated failures (django-axes, configured in settings).

Both answer 429 with Retry-After: the API in its error shape, pages with a plain explanation.
"""

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .exceptions import error_body
from .throttling import SignInRateThrottle
from .views import API_PREFIX


def too_many_attempts(request: HttpRequest, *, seconds: float, reason: str) -> HttpResponse:
    """The 429 answer to a refused sign-in, in the API's shape under /api/."""
    minutes = max(1, math.ceil(seconds / 60))
    message = f"{reason} Try again in {minutes} minute{'s' if minutes > 1 else ''}."
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            error_body("too_many_attempts", message, {"retry_after": math.ceil(seconds)}),
            status=429,
        )
    else:
        response = render(
            request, "registration/too_many_attempts.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(math.ceil(seconds))
    return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer once a username is locked out from this address."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    return too_many_attempts(
        request,
        seconds=cool_off.total_seconds(),
        reason="Too many failed sign-ins for this username.",
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in page, throttled per client address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = SignInRateThrottle()
        # DRF's throttles read only the request's META and the cache: Django's request serves.
        if not throttle.allow_request(request, self):  # type: ignore[arg-type]
            return too_many_attempts(
                request, seconds=throttle.wait() or 60, reason="Too many sign-in attempts."
            )
        return super().post(request, *args, **kwargs)
