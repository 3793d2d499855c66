"""Reads of the core app."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .models import Counter, Heartbeat


def counter_value(*, name: str = "hello") -> int:
    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0


def heartbeat_get(*, heartbeat_id: int) -> Heartbeat:
    return Heartbeat.objects.get(pk=heartbeat_id)


def api_token_list(*, user: User) -> QuerySet[AuthToken]:
    """`user`'s API tokens that still work, newest first."""
    tokens: QuerySet[AuthToken] = AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
    return tokens.order_by("-created")
