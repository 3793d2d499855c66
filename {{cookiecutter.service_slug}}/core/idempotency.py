"""Idempotency-Key: a create request sent twice (a double click, a retry after a timeout) with
the same key creates one object; the second answer describes the first one's result.

Keys live in the database (never in the cache, so an outage of Redis cannot turn a retry into a
duplicate), one row per (user, scope, key), written in the same transaction as what it created:
of two concurrent requests with one key, one commits and the other finds its row. A key is
remembered for KEY_HOURS; the same key with different parameters is refused (409).
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request

from .exceptions import ApplicationError, ConflictError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_HOURS = 24
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")  # printable ASCII, no spaces


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key, None without one; 400 when it is malformed."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not VALID_KEY.match(key):
        raise ApplicationError(
            f"{HEADER} must be 1 to 128 printable characters without spaces.",
            code="invalid_idempotency_key",
        )
    return key


def idempotent_create(
    *,
    user: User,
    scope: str,
    key: str,
    parameters: dict[str, Any],
    create: Callable[[], int],
) -> tuple[int, bool]:
    """`create()` (the new object's id) once per (user, scope, key): (id, created now)."""
    fingerprint = hashlib.sha256(
        json.dumps(parameters, sort_keys=True, default=str).encode()
    ).hexdigest()
    for _ in range(2):
        remembered = _remembered(user, scope, key)
        if remembered is not None:
            if remembered.fingerprint != fingerprint:
                raise ConflictError(
                    f"This {HEADER} was used for a request with other parameters.",
                    code="idempotency_key_reused",
                )
            return remembered.resource_id, False
        try:
            with transaction.atomic():
                resource_id = create()
                IdempotencyKey.objects.create(
                    user=user, scope=scope, key=key, fingerprint=fingerprint,
                    resource_id=resource_id,
                )  # fmt: skip
            return resource_id, True
        except IntegrityError:
            continue  # a concurrent request with this key committed first: answer with its result
    raise ConflictError(f"The {HEADER} is in use by another request.", code="idempotency_key_busy")


def _remembered(user: User, scope: str, key: str) -> IdempotencyKey | None:
    found = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
    if found is not None and found.created_at < timezone.now() - timedelta(hours=KEY_HOURS):
        found.delete()  # expired: the key starts afresh
        return None
    return found
