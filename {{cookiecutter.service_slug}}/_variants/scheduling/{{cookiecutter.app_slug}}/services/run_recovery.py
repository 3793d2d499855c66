"""Recovery of generation runs whose delivery went away: no run waits forever.

* A worker told to stop hands its runs back (`runs_hand_back`): they are queued again at once and
  re-published, so another worker takes them over within seconds.
* The reaper (`runs_reap`, on beat every SCHEDULING_REAPER_SECONDS) covers what a hand-back
  cannot: a worker killed outright, and messages lost by the broker.
  - `running` with a heartbeat older than SCHEDULING_RUN_STALE_SECONDS: queued again and
    re-published, or failed with a clear error once it has used its attempts.
  - `queued` and never published (the broker was down when it was created): published.
  - `queued`, published more than SCHEDULING_RUN_QUEUED_SECONDS ago, and its message is neither
    waiting in the broker's queue nor held by a worker: published once more. A run waiting behind
    a long queue still has its message there, so it is left alone however long it waits.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.queues import waiting_task_ids

from ..errors import ErrorCode
from ..models import GenerationRun
from .runs import MAX_ATTEMPTS, run_enqueue

logger = logging.getLogger(__name__)
Status = GenerationRun.Status


def runs_hand_back(*, run_ids: list[int]) -> list[int]:
    """Queue these running runs again and re-publish them; the ids actually handed back.

    The hand-back does not count as an attempt. The stopping delivery loses ownership, so its
    monitor stops the solver within a second and it writes nothing more."""
    handed = [
        run_id
        for run_id in run_ids
        if GenerationRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            status=Status.QUEUED, owner="", phase="", attempts=F("attempts") - 1
        )
    ]
    for run in GenerationRun.objects.filter(pk__in=handed):
        run_enqueue(run=run)
    return handed


def runs_reap() -> dict[str, list[int]]:
    """One pass of the reaper; the ids of the runs it re-queued, failed and published."""
    now = timezone.now()
    report: dict[str, list[int]] = {"requeued": [], "failed": [], "published": []}

    stale = now - timedelta(seconds=settings.SCHEDULING_RUN_STALE_SECONDS)
    for run in GenerationRun.objects.filter(status=Status.RUNNING, updated_at__lt=stale):
        if _reap_stale(run, stale):
            report["failed" if run.attempts >= MAX_ATTEMPTS else "requeued"].append(run.pk)

    # A new run is published as its transaction commits: the reaper leaves it one period first.
    grace = now - timedelta(seconds=settings.SCHEDULING_REAPER_SECONDS)
    unpublished = GenerationRun.objects.filter(
        status=Status.QUEUED, published_at__isnull=True, created_at__lt=grace
    )
    lost_since = now - timedelta(seconds=settings.SCHEDULING_RUN_QUEUED_SECONDS)
    long_queued = list(
        GenerationRun.objects.filter(status=Status.QUEUED, published_at__lt=lost_since)
    )
    waiting = waiting_task_ids(settings.CELERY_TASK_DEFAULT_QUEUE) if long_queued else None
    lost = [r for r in long_queued if waiting is not None and r.task_id not in waiting]
    for run in [*unpublished, *lost]:
        if run_enqueue(run=run):
            report["published"].append(run.pk)
    return report


def _reap_stale(run: GenerationRun, stale_before: object) -> bool:
    """Re-queue (or fail) a run whose worker stopped answering; False if it moved meanwhile."""
    still_stale = GenerationRun.objects.filter(
        pk=run.pk, status=Status.RUNNING, updated_at__lt=stale_before
    )
    now = timezone.now()
    if run.attempts >= MAX_ATTEMPTS:
        message = (
            f"The run was started {run.attempts} times and its worker stopped answering each "
            "time; it is not retried again."
        )
        done = still_stale.update(
            status=Status.FAILED,
            error_code=ErrorCode.TOO_MANY_ATTEMPTS,
            error_message=message,
            finished_at=now,
            updated_at=now,
        )
        return bool(done)
    if not still_stale.update(status=Status.QUEUED, owner="", phase="", updated_at=now):
        return False
    seconds = settings.SCHEDULING_RUN_STALE_SECONDS
    logger.warning("generation run %s: no heartbeat for %ss, queued again", run.pk, seconds)
    run_enqueue(run=run)
    return True
