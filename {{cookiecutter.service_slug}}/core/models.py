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
