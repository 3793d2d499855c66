"""Rate limits (DRF's throttles, rates in settings): the API's costly writes per user, and
sign-in attempts per client address.

Reads are never throttled here: they are cheap, cached and what a team does all day. The counts
live in the cache, which fails soft (core/cache.py): during a Redis outage a throttle lets
requests through rather than refuse or fail them.
"""

from typing import Any

from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from .client_address import client_address


class WriteRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle (the view's `throttle_scope`) for unsafe methods only."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class SignInRateThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address (the sign-in page and the token endpoint): slows
    guessing across many usernames, where the lockout (django-axes) stops guessing one."""

    scope = "sign_in"

    def get_cache_key(self, request: HttpRequest | Request, view: Any) -> str:
        address = client_address(getattr(request, "_request", request))  # DRF's or Django's
        return self.cache_format % {"scope": self.scope, "ident": address}
