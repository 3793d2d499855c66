"""Example task: thin, takes an id, idempotent."""

import logging

from celery import shared_task

from .services import heartbeat_mark_processed

logger = logging.getLogger(__name__)


@shared_task(name="core.heartbeat_process")
def heartbeat_process(heartbeat_id: int) -> bool:
    processed = heartbeat_mark_processed(heartbeat_id=heartbeat_id)
    logger.info("heartbeat %s %s", heartbeat_id, "processed" if processed else "already processed")
    return processed
