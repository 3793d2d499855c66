"""Background work of the scheduling app: thin tasks that take ids and are idempotent.

Acks are late (global setting) and a lost worker's task is re-delivered; `run_execute` decides
whether a delivery may run (see `services.run_execution` and docs/scheduling.md).
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="{{ cookiecutter.app_slug }}.generation_run_execute", acks_late=True)
def generation_run_execute(run_id: int) -> str:
    from .services.run_execution import run_execute

    outcome = run_execute(run_id=run_id)
    logger.info("generation run %s: %s", run_id, outcome)
    return outcome
