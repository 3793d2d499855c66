import contextlib

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every ALF service gets: counter page, probes, request ids, errors, logging."""

    name = "core"
    verbose_name = "Service core"

    def ready(self) -> None:
        # Connect the Celery signal receivers: request-id propagation, task metrics, and a
        # worker that notices SIGTERM at once.
        from django.conf import settings

        from . import celery_signals, local_broker, metrics, worker_wakeup  # noqa: F401

        # The folder broker of a service run with nothing configured (core/local_broker.py):
        # its folders exist before anything publishes or consumes.
        if (
            local_broker.is_folder_broker(settings.CELERY_BROKER_URL)
            and not settings.CELERY_TASK_ALWAYS_EAGER
        ):
            with contextlib.suppress(OSError):  # readiness names the folder it cannot use
                local_broker.folders_create(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
