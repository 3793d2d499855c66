"""Background work of the scheduling app: thin tasks that take ids and are idempotent.

Acks are late (global setting) and a lost worker's task is re-delivered; `run_execute` decides
whether a delivery may run (see `services.run_execution` and docs/scheduling.md). A worker told
to stop (SIGTERM: a deployment or a scale-in) hands its generations back at once, so another
worker takes them over instead of the run waiting for the stopping worker's whole budget.
"""

import logging
import threading
import time
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready, worker_shutting_down

from .metrics import RUN_SECONDS, RUNS

logger = logging.getLogger(__name__)
EXECUTE = "{{ cookiecutter.app_slug }}.generation_run_execute"


@shared_task(name=EXECUTE, bind=True, acks_late=True)
def generation_run_execute(self: Task, run_id: int) -> str:  # type: ignore[type-arg]
    from .services.run_execution import run_execute

    started = time.perf_counter()
    outcome = run_execute(run_id=run_id, delivery=self.request.id)
    RUNS.labels(outcome).inc()
    RUN_SECONDS.labels(outcome).observe(time.perf_counter() - started)
    logger.info("generation run %s: %s", run_id, outcome)
    return outcome


@shared_task(name="{{ cookiecutter.app_slug }}.generation_runs_reap", ignore_result=True)
def generation_runs_reap() -> dict[str, list[int]]:
    """Beat's job: no run waits forever (see `services.run_recovery.runs_reap`)."""
    from .services.run_recovery import runs_reap

    report = runs_reap()
    if any(report.values()):
        logger.warning("generation runs recovered: %s", report)
    for run_id in report["failed"]:  # the same line as a run failing on a worker (alarms count it)
        logger.info("generation run %s: failed", run_id)
    return report


@worker_ready.connect
def load_the_hand_back(**_kwargs: Any) -> None:
    """Import the hand-back's code while the worker starts, not at SIGTERM inside the stop
    timeout. It needs no solver: a prefork worker's main process never loads one."""
    from .services import run_recovery  # noqa: F401


@worker_shutting_down.connect
def hand_back_generations(**_kwargs: Any) -> None:
    """Runs in the worker's main process, inside its signal handler: the hand-back (database
    writes, a publish) happens on a thread, which the interpreter waits for before it exits."""
    from celery.worker import state

    run_ids = [int(r.args[0]) for r in list(state.active_requests) if r.name == EXECUTE and r.args]
    if run_ids:
        threading.Thread(target=_hand_back, args=(run_ids,), name="hand-back").start()


def _hand_back(run_ids: list[int]) -> None:
    from django.db import connection

    from .services.run_recovery import runs_hand_back

    try:
        handed = runs_hand_back(run_ids=run_ids)
        logger.warning("worker stopping: handed back generation runs %s", handed)
    finally:
        connection.close()
