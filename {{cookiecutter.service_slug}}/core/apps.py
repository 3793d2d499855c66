from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every ALF service gets: counter page, probes, request ids, errors, logging."""

    name = "core"
    verbose_name = "Service core"

    def ready(self) -> None:
        # Connect the Celery signal receivers: request-id propagation, task metrics, and a
        # worker that notices SIGTERM at once.
        from . import celery_signals, metrics, worker_wakeup  # noqa: F401
