"""Writes of the core app (HackSoft style: keyword-only, typed, one verb each)."""

import socket

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Counter, Heartbeat
from .request_context import current_request_id


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
