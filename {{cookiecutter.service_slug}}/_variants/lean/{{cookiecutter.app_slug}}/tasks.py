"""Example background work on the example resource: thin, takes an id, idempotent."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="{{ cookiecutter.app_slug }}.note_index")
def note_index(note_id: int) -> None:
    from .selectors import note_get

    note = note_get(note_id=note_id)
    if note is None:  # deleted before the worker got to it: nothing to do
        return
    logger.info("indexed note %s (%d words)", note_id, len(note.body.split()))
