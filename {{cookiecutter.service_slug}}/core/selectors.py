"""Reads of the core app."""

from .models import Counter, Heartbeat


def counter_value(*, name: str = "hello") -> int:
    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0


def heartbeat_get(*, heartbeat_id: int) -> Heartbeat:
    return Heartbeat.objects.get(pk=heartbeat_id)
