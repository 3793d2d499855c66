from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every ALF service gets: counter page, probes, request ids, errors, logging."""

    name = "core"
    verbose_name = "Service core"

    def ready(self) -> None:
        from . import celery_signals  # noqa: F401  (connects request-id propagation)
