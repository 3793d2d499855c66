"""API token authentication with each token's record kept in the shared cache for a short while
(API_TOKEN_CACHE_SECONDS), so a token-authenticated request costs one cache read instead of two
queries (django-rest-knox looks the token up and then reads all of its user's tokens).

Bounded staleness: a token revoked through the API (`services.api_token_revoke`) is forgotten at
once; one deleted another way (the admin, a database edit), or a user made inactive, is still
accepted for at most API_TOKEN_CACHE_SECONDS. An expired token is refused at once (the expiry is
checked on every request). The cache key is the token's SHA-512 digest, which is what the
database stores, never the token. With the cache down, every request goes to the database.
"""

from __future__ import annotations

import binascii
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


def token_cache_key(digest: str) -> str:
    return f"api-token:{digest}"


class CachedTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        seconds = settings.API_TOKEN_CACHE_SECONDS
        if not seconds:
            return super().authenticate_credentials(token)  # type: ignore[no-any-return]
        try:
            digest = hash_token(token.decode("utf-8"))
        except (TypeError, ValueError, binascii.Error) as error:
            raise AuthenticationFailed("Invalid token.") from error
        key = token_cache_key(digest)
        record = cache.get(key)
        if isinstance(record, AuthToken) and compare_digest(record.digest, digest):
            if record.expiry is None or record.expiry > timezone.now():
                return self.validate_user(record)  # type: ignore[no-any-return]
            cache.delete(key)
        user, auth_token = super().authenticate_credentials(token)
        cache.set(key, auth_token, seconds)
        return user, auth_token


class CachedTokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]
    """The OpenAPI security scheme of the class above: knox's, unchanged."""

    target_class = "core.token_auth.CachedTokenAuthentication"
