"""Writes of the core app (HackSoft style: keyword-only, typed, one verb each)."""

import socket

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from .exceptions import ConflictError, NotFoundError
from .models import Counter, Heartbeat
from .request_context import current_request_id
from .token_auth import forget_tokens


def counter_increment(*, name: str = "hello") -> int:
    """Add one and return the new value; correct under concurrent requests.

    The row is created in its own short transaction first: creating it inside the increment's
    transaction lets two first visitors deadlock on InnoDB's duplicate-key locks. The UPDATE
    ... SET value = value + 1 then holds the row lock until commit, so the value read back in
    the same transaction is this request's own.
    """
    Counter.objects.get_or_create(name=name)
    with transaction.atomic():
        Counter.objects.filter(name=name).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(name=name)


def heartbeat_create(*, message: str) -> Heartbeat:
    """Store a heartbeat and have a worker answer it once the row is committed."""
    from .tasks import heartbeat_process

    with transaction.atomic():
        heartbeat = Heartbeat.objects.create(message=message, request_id=current_request_id())
        transaction.on_commit(lambda: heartbeat_process.delay(heartbeat.pk))
    return heartbeat


def heartbeat_mark_processed(*, heartbeat_id: int) -> bool:
    """Mark as processed once; False when it was already (the task may be delivered twice)."""
    updated = Heartbeat.objects.filter(pk=heartbeat_id, processed_at__isnull=True).update(
        processed_at=timezone.now(), processed_by=socket.gethostname()
    )
    return bool(updated)


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for `user`: (its record, the token itself, which only this answer holds;
    the database keeps a digest). The user's expired tokens are removed on the way."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one create at a time
        AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit is not None and AuthToken.objects.filter(user=user).count() >= limit:
            raise ConflictError(
                f"You already have {limit} API tokens; revoke one before creating another.",
                code="too_many_tokens",
            )
        created: tuple[AuthToken, str] = AuthToken.objects.create(user=user)
        return created


def api_token_revoke(*, user: User, token_key: str) -> None:
    """Revoke one of `user`'s own tokens, named by its key (the token's first characters)."""
    tokens = AuthToken.objects.filter(user=user, token_key=token_key)
    digests = list(tokens.values_list("digest", flat=True))
    deleted, _ = tokens.delete()
    if not deleted:
        raise NotFoundError(f"You have no API token {token_key!r}.")
    # Refused from the next request on, not once the cached record expires (core/token_auth.py).
    forget_tokens(digests)


def smoke_user_ensure(*, username: str, password: str) -> User:
    """The smoke test's user (deploy/smoke.py): active, without staff or superuser rights, with
    `password`. Created when missing, its password reset when it differs. A staff user of that
    name is refused, never demoted: the smoke test must not hold an administrator's password."""
    with transaction.atomic():
        user, _ = User.objects.select_for_update().get_or_create(username=username)
        if user.is_staff or user.is_superuser:
            raise ConflictError(
                f"{username!r} is a staff user; the smoke test needs a user of its own.",
                code="smoke_user_is_staff",
            )
        if not user.is_active or not user.check_password(password):
            user.is_active = True
            user.set_password(password)
            user.save(update_fields=["is_active", "password"])
        return user
