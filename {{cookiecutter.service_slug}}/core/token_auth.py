"""API token authentication with each token's record kept close at hand for a short while, so a
token-authenticated request usually costs no query and no cache round trip (django-rest-knox
looks the token up and then reads all of its user's tokens: two queries).

Two layers, both keyed by the token's SHA-512 digest (what the database stores, never the token):
- this process's memory, for API_TOKEN_LOCAL_SECONDS (5): no round trip at all;
- the shared cache, for API_TOKEN_CACHE_SECONDS (30): one read, shared by every process.

Bounded staleness: a token revoked through the API (`services.api_token_revoke`) is forgotten at
once by the shared cache and the revoking process, and by every other process within
API_TOKEN_LOCAL_SECONDS. One deleted another way (the admin, a database edit), or a user made
inactive, is still accepted for at most API_TOKEN_CACHE_SECONDS + API_TOKEN_LOCAL_SECONDS. An
expired token is refused at once (the expiry is checked on every request). With the cache down,
every request goes to the database.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable
from copy import copy
from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from .local_cache import LocalCache

# This process's copies; their lifetime is API_TOKEN_LOCAL_SECONDS, given on each put.
LOCAL_TOKENS: LocalCache[AuthToken] = LocalCache(seconds=0, size=10_000)


def token_cache_key(digest: str) -> str:
    return f"api-token:{digest}"


def forget_tokens(digests: Iterable[str]) -> None:
    """Drop the cached records of these tokens (other processes drop theirs within
    API_TOKEN_LOCAL_SECONDS)."""
    digests = list(digests)
    LOCAL_TOKENS.forget(digests)
    cache.delete_many([token_cache_key(digest) for digest in digests])


def remember_token(digest: str, record: AuthToken) -> None:
    """Keep a token's record in the shared cache and this process's memory."""
    cache.set(token_cache_key(digest), record, settings.API_TOKEN_CACHE_SECONDS)
    LOCAL_TOKENS.put(digest, record, settings.API_TOKEN_LOCAL_SECONDS)


def local_token_user(digest: str) -> Any | None:
    """The active user of a current token this process has a fresh copy of, else None."""
    record = LOCAL_TOKENS.get(digest)
    if not _current(record, digest) or not record.user.is_active:  # type: ignore[union-attr]
        return None
    return record.user  # type: ignore[union-attr]


def _current(record: Any, digest: str) -> bool:
    return (
        isinstance(record, AuthToken)
        and compare_digest(record.digest, digest)
        and (record.expiry is None or record.expiry > timezone.now())
    )


class CachedTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        if not settings.API_TOKEN_CACHE_SECONDS:
            return super().authenticate_credentials(token)  # type: ignore[no-any-return]
        try:
            digest = hash_token(token.decode("utf-8"))
        except (TypeError, ValueError, binascii.Error) as error:
            raise AuthenticationFailed("Invalid token.") from error
        local = LOCAL_TOKENS.get(digest)
        if _current(local, digest):
            # A copy per request: what a request notes on its user (permissions) stays its own.
            user, _ = self.validate_user(local)
            return copy(user), local
        shared = cache.get(token_cache_key(digest))
        if _current(shared, digest):
            LOCAL_TOKENS.put(digest, shared, settings.API_TOKEN_LOCAL_SECONDS)
            return self.validate_user(shared)  # type: ignore[no-any-return]
        if local is not None or shared is not None:  # expired: knox refuses and deletes it
            forget_tokens([digest])
        user, auth_token = super().authenticate_credentials(token)
        remember_token(digest, auth_token)
        return user, auth_token


class CachedTokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]
    """The OpenAPI security scheme of the class above: knox's, unchanged."""

    target_class = "core.token_auth.CachedTokenAuthentication"
