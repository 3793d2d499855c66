"""Celery application: configured from Django settings (CELERY_* names) and Django's LOGGING."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{{ cookiecutter.service_slug }}.environments.local")

app = Celery("{{ cookiecutter.service_slug }}")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**_kwargs: object) -> None:
    """Let workers log exactly like the web process (same handlers, same JSON switch)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
