"""Rate limits of the API's costly writes (DRF's scoped throttles, per user, rates in settings).

Reads are never throttled here: they are cheap, cached and what a team does all day. The counts
live in the cache, which fails soft (core/cache.py): during a Redis outage a throttle lets
requests through rather than refuse or fail them.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle


class WriteRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle (the view's `throttle_scope`) for unsafe methods only."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
