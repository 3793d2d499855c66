from django.conf import settings
from django.db import models


class Counter(models.Model):
    """A named number that only goes up; the "Hello, World" page shows one."""

    name = models.CharField(max_length=64, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Heartbeat(models.Model):
    """A message a worker answers: proves web -> broker -> worker -> database end to end."""

    message = models.CharField(max_length=200)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"heartbeat {self.pk}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key on a create request and what that request created
    (core/idempotency.py): the same key again answers with it instead of creating twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=64)  # what the key creates, e.g. "scheduler.run"
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request's parameters
    resource_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
