"""Writes of generation runs: start one (queued for a worker once the transaction commits) and
cancel one. Running a run is `run_execution`'s; recovering a lost one, `run_recovery`'s."""

from __future__ import annotations

import logging
import uuid
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from core.exceptions import ApplicationError, ConflictError, NotFoundError, UnprocessableError

from .. import timetabling
from ..errors import ErrorCode
from ..models import GenerationRun, Problem, Revision
from ..selectors.problems import problem_to_core
from ..selectors.revisions import revision_lectures
from ..tasks import generation_run_execute
from ..timetabling.formulations import generation_formulations

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # deliveries of one run (re-delivery after a lost worker) before giving up
# Repair's cost of each lecture moved away from the base: above what moving one lecture can save
# in soft costs, so only hard violations (and pins) make a repair move lectures.
REPAIR_WEIGHT = 100


class RunMode(StrEnum):
    """What a regeneration may do to its base revision, in the team's words."""

    REPAIR = "repair"  # the base, each move costing REPAIR_WEIGHT (or the weight given)
    IMPROVE = "improve"  # the base's pins kept, every other lecture free
    START_OVER = "start_over"  # no base at all


def run_mode_options(
    *, mode: str, base_revision: Revision | None, min_change_weight: int | None
) -> tuple[Revision | None, int | None]:
    """The run options (base revision, minimal-change weight) a mode stands for."""
    if mode not in RunMode.__members__.values():
        raise ApplicationError(
            f"Unknown mode {mode!r}.",
            code=ErrorCode.INVALID_MODE,
            extra={"choices": [m.value for m in RunMode]},
        )
    if mode == RunMode.START_OVER:
        if base_revision is not None or min_change_weight:
            raise ApplicationError(
                "Starting over takes no base revision and no minimal-change weight.",
                code=ErrorCode.INVALID_MODE,
            )
        return None, None
    if base_revision is None:
        raise ApplicationError(
            f"To {mode} a timetable, choose its base revision.",
            code=ErrorCode.INVALID_BASE_REVISION,
        )
    if mode == RunMode.IMPROVE:
        if min_change_weight:
            raise ApplicationError(
                "Improving moves lectures freely: give no minimal-change weight (or repair).",
                code=ErrorCode.INVALID_MIN_CHANGE_WEIGHT,
            )
        return base_revision, None
    return base_revision, REPAIR_WEIGHT if min_change_weight is None else min_change_weight


def run_start(
    *,
    problem: Problem,
    formulation: str = "UD2",
    time_limit: int = 60,
    seed: int = 0,
    base_revision: Revision | None = None,
    min_change_weight: int | None = None,
    created_by: User | None = None,
    enqueue: bool = True,
    mode: str | None = None,
) -> GenerationRun:
    """Queue a generation; the worker picks it up once this transaction has committed.

    With a `mode` (RunMode), the base revision and weight are read in its terms."""
    formulation = formulation.upper()
    if mode is not None:
        base_revision, min_change_weight = run_mode_options(
            mode=mode, base_revision=base_revision, min_change_weight=min_change_weight
        )
    _check_request(problem, formulation, time_limit, base_revision, min_change_weight)
    _check_feasible(problem, formulation, base_revision)
    with transaction.atomic():
        run = GenerationRun.objects.create(
            problem=problem,
            formulation=formulation,
            time_limit=time_limit,
            seed=seed,
            base_revision=base_revision,
            min_change_weight=min_change_weight,
            created_by=created_by,
        )
        if enqueue:
            transaction.on_commit(lambda: run_enqueue(run=run))
    return run


def _check_request(
    problem: Problem,
    formulation: str,
    time_limit: int,
    base_revision: Revision | None,
    min_change_weight: int | None,
) -> None:
    choices = generation_formulations()
    if formulation not in choices:
        raise ApplicationError(
            f"Unknown formulation {formulation!r}.",
            code=ErrorCode.INVALID_FORMULATION,
            extra={"choices": list(choices)},
        )
    max_limit = settings.SCHEDULING_MAX_TIME_LIMIT
    if not 1 <= time_limit <= max_limit:
        raise ApplicationError(
            f"time_limit must be between 1 and {max_limit} seconds.",
            code=ErrorCode.INVALID_TIME_LIMIT,
        )
    if base_revision is not None and base_revision.problem_id != problem.pk:
        raise ApplicationError(
            "The base revision belongs to another problem.", code=ErrorCode.INVALID_BASE_REVISION
        )
    if min_change_weight and base_revision is None:
        raise ApplicationError(
            "min_change_weight needs a base revision.", code=ErrorCode.INVALID_MIN_CHANGE_WEIGHT
        )


def _check_feasible(problem: Problem, formulation: str, base_revision: Revision | None) -> None:
    """The generator's quick checks, run here (milliseconds): a run that cannot succeed is
    refused with the reasons (422) instead of queued."""
    pins = []
    if base_revision is not None:
        pins = [lec.assignment for lec in revision_lectures(revision=base_revision) if lec.pinned]
    infeasible = timetabling.feasibility_check(
        problem_to_core(problem=problem), formulation=formulation, pins=pins
    )
    if infeasible is not None:
        explanation = infeasible.to_dict()
        raise UnprocessableError(
            "The problem has no feasible timetable: "
            + "; ".join(r["message"] for r in explanation["reasons"][:3]),
            code=ErrorCode.INFEASIBLE,
            extra=explanation,
        )


def run_enqueue(*, run: GenerationRun) -> bool:
    """Publish the run's task; False when the broker cannot be reached.

    The run is kept either way: a run that could not be published stays `queued` and the reaper
    publishes it once the broker is back (`run_recovery`), so creating a run never fails on a
    broker outage and the user's request is not lost."""
    task_id = str(uuid.uuid4())
    try:
        # The soft limit sits above the solver's own budget: it only fires if the solver overruns.
        generation_run_execute.apply_async(
            args=(run.pk,),
            task_id=task_id,
            soft_time_limit=run.time_limit + 30,
            time_limit=run.time_limit + 60,
        )
    except BrokerUnreachable as error:
        logger.warning("generation run %s not published (the reaper retries): %s", run.pk, error)
        return False
    GenerationRun.objects.filter(pk=run.pk).update(task_id=task_id, published_at=timezone.now())
    return True


@transaction.atomic
def run_cancel(*, run: GenerationRun) -> GenerationRun:
    """A queued run is cancelled at once; a running one is asked to stop (within ~1 s)."""
    Status = GenerationRun.Status
    current = GenerationRun.objects.select_for_update().filter(pk=run.pk).first()
    if current is None:
        raise NotFoundError(f"Run {run.pk} does not exist.")
    if current.status == Status.QUEUED:
        current.status = Status.CANCELLED
        current.cancel_requested = True
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "cancel_requested", "finished_at", "updated_at"])
    elif current.status == Status.RUNNING:
        current.cancel_requested = True
        current.save(update_fields=["cancel_requested"])  # not updated_at: the heartbeat
    else:
        raise ConflictError(
            f"The run has already finished ({current.status}).",
            code=ErrorCode.RUN_FINISHED,
            extra={"status": current.status},
        )
    return current
