"""The address a request comes from, one rule for every limit keyed by it (the sign-in lockout
and the throttles): behind TRUSTED_PROXY_COUNT proxies, the address the outermost trusted proxy
saw (counted from the right of X-Forwarded-For, which a client can only prepend to); with none,
the connection's own address."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", ""))
