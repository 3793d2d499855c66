"""Running a generation: claim the run, solve while a monitor thread writes progress and reads
the cancel flag, store the result. Safe to call again for the same run (acks-late re-delivery):
`_run_claim` decides whether this delivery may run it (docs/scheduling.md).

The claiming delivery becomes the run's `owner`; every later write is conditional on it, so a
delivery whose run was handed back or taken over (`run_recovery`) stops and writes nothing."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.task_protection import protect_task

from ..errors import ErrorCode
from ..lectures import Lecture
from ..models import GenerationRun, Revision
from ..selectors.problems import problem_to_core
from ..selectors.revisions import revision_lectures
from ..timetabling import generator
from .revisions import revision_store
from .runs import MAX_ATTEMPTS

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL = 1.0  # seconds between progress writes of a running generation
CANCEL_POLL_INTERVAL = 0.5  # seconds between reads of the cancel flag
HISTORY_POINTS = 200  # most points kept of a run's best cost over time
Status = GenerationRun.Status


def run_execute(*, run_id: int, delivery: str | None = None) -> str:
    """Run one generation to its end; safe to call again for the same run (see `_run_claim`).

    `delivery` names this attempt (the task id); it becomes the run's owner while it runs."""
    from celery.exceptions import SoftTimeLimitExceeded

    owner = delivery or uuid.uuid4().hex
    run = _run_claim(run_id, owner)
    if run is None:
        return "skipped"
    protect_task(seconds=run.time_limit)  # on ECS: no scale-in of this worker mid-run
    base_lectures = revision_lectures(revision=run.base_revision) if run.base_revision else []
    problem = problem_to_core(problem=run.problem)
    # A base made for an earlier version may pin a course or room removed since: not a pin now.
    pins = [
        lec
        for lec in base_lectures
        if lec.pinned and lec.course in problem.course_by_id and lec.room in problem.room_by_id
    ]
    monitor = _Monitor(run_id, owner)
    monitor.start()
    try:
        result = generator.solve(  # looked up on the package at call time, so tests can wrap it
            problem,
            formulation=run.formulation,
            time_limit=run.time_limit,
            workers=settings.SCHEDULING_SOLVER_WORKERS,
            seed=run.seed,
            base=[lec.assignment for lec in base_lectures] or None,
            pins=[lec.assignment for lec in pins],
            min_change_weight=run.min_change_weight,
            on_progress=monitor.on_progress,
            should_stop=monitor.should_stop,
        )
    except generator.GeneratorInputError as exc:
        return _run_failed(run, ErrorCode.INVALID_INPUT, str(exc))
    except SoftTimeLimitExceeded:
        return _run_failed(run, ErrorCode.TIME_LIMIT, "The generation overran its time limit.")
    except Exception as exc:
        logger.exception("generation run %s failed", run_id)
        return _run_failed(run, ErrorCode.INTERNAL_ERROR, str(exc)[:500])
    finally:
        monitor.stop_event.set()
        monitor.join()
    with monitor.lock:  # the whole curve, stored with the result
        history = list(monitor.history)
    return _run_store_result(run, result, pins=pins, history=history, base=base_lectures)


def _run_claim(run_id: int, owner: str) -> GenerationRun | None:
    """Take a run for this delivery, or None when another delivery owns or finished it.

    Rule (idempotency and re-delivery): only a `queued` run starts (one conditional UPDATE, so
    exactly one delivery wins). A delivery that finds the run `running` with a heartbeat older
    than SCHEDULING_RUN_STALE_SECONDS takes it over: its worker was lost, and acks-late
    re-delivered the task. A fresh heartbeat means a live worker owns it: the delivery does
    nothing. Finished runs are never touched again.
    """
    now = timezone.now()
    claimed = GenerationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        updated_at=now,
        attempts=F("attempts") + 1,
        owner=owner,
        history=[],
    )
    if not claimed:
        stale = now - timedelta(seconds=settings.SCHEDULING_RUN_STALE_SECONDS)
        claimed = GenerationRun.objects.filter(
            pk=run_id, status=Status.RUNNING, updated_at__lt=stale
        ).update(
            updated_at=now,
            attempts=F("attempts") + 1,
            owner=owner,
            phase="",
            best_cost=None,
            bound=None,
            history=[],
        )
        if claimed:
            logger.warning("generation run %s: heartbeat is stale, restarting it", run_id)
    if not claimed:
        return None
    run = GenerationRun.objects.select_related("problem", "base_revision").get(pk=run_id)
    if run.cancel_requested:
        _run_finish(run, status=Status.CANCELLED)
        return None
    if run.attempts > MAX_ATTEMPTS:
        message = f"The run was started {MAX_ATTEMPTS} times without finishing."
        _run_failed(run, ErrorCode.TOO_MANY_ATTEMPTS, message)
        return None
    return run


def _run_finish(run: GenerationRun, *, status: str, **fields: Any) -> bool:
    """End the run if this delivery still owns it."""
    now = timezone.now()
    return bool(
        GenerationRun.objects.filter(pk=run.pk, status=Status.RUNNING, owner=run.owner).update(
            status=status, finished_at=now, updated_at=now, **fields
        )
    )


def _run_failed(run: GenerationRun, code: ErrorCode, message: str, **fields: Any) -> str:
    if not _run_finish(run, status=Status.FAILED, error_code=code, error_message=message, **fields):
        return "skipped"
    return Status.FAILED


class _Monitor(threading.Thread):
    """Owns the run's database traffic during a solve: progress writes, heartbeat, cancel flag.

    The solver calls its callbacks from its own threads; they only touch memory here, and this
    one thread (with its own connection, closed at the end) talks to the database.
    """

    def __init__(self, run_id: int, owner: str) -> None:
        super().__init__(name=f"generation-run-{run_id}", daemon=True)
        self.run_id = run_id
        self.owner = owner
        self.stop_event = threading.Event()
        self.cancelled = threading.Event()
        self.progress: Any = None
        self.written: object | None = None
        self.last_write = 0.0
        self.started = time.monotonic()
        self.history: list[list[float | int | None]] = []
        self.lock = threading.Lock()  # the solver's threads add to the history, this one reads
        self.improvements = 0
        self.improvements_written = 0

    def on_progress(self, progress: Any) -> None:
        self.progress = progress
        p = progress
        with self.lock:  # an improvement of the best cost joins the history
            if p.best_cost is None or (self.history and self.history[-1][1] == p.best_cost):
                return
            self.history.append([round(p.elapsed, 2), p.best_cost, p.bound])
            if len(self.history) > HISTORY_POINTS:  # thin the middle, keep the first and last
                self.history = [*self.history[:-1:2], self.history[-1]]
            self.improvements += 1

    def should_stop(self) -> bool:
        return self.cancelled.is_set()

    def run(self) -> None:
        try:
            while not self.stop_event.wait(CANCEL_POLL_INTERVAL):
                self.poll()
        except Exception:  # the solve goes on without progress rather than crash
            logger.exception("generation run %s: monitor failed", self.run_id)
        finally:
            connection.close()

    def poll(self) -> None:
        row = (
            GenerationRun.objects.filter(pk=self.run_id)
            .values_list("status", "cancel_requested", "owner")
            .first()
        )
        # Stop when cancelled, deleted, finished, handed back or taken over by another delivery.
        if row is None or row[1] or row[0] != Status.RUNNING or row[2] != self.owner:
            self.cancelled.set()
        now = time.monotonic()
        if now - self.last_write >= PROGRESS_WRITE_INTERVAL:
            self.last_write = now
            self.write()

    def write(self) -> None:
        p = self.progress
        # The heartbeat, and the time used: it moves on between the solver's reports too.
        elapsed = round(time.monotonic() - self.started, 1)
        fields: dict[str, Any] = {"updated_at": timezone.now(), "elapsed": elapsed}
        if p is not None and p is not self.written:
            self.written = p
            fields.update(phase=p.phase, best_cost=p.best_cost, bound=p.bound)
            fields["elapsed"] = max(elapsed, p.elapsed)
        with self.lock:
            if self.improvements != self.improvements_written:
                self.improvements_written = self.improvements
                fields["history"] = list(self.history)
        GenerationRun.objects.filter(
            pk=self.run_id, status=Status.RUNNING, owner=self.owner
        ).update(**fields)


@transaction.atomic
def _run_store_result(
    run: GenerationRun,
    result: Any,
    *,
    pins: list[Lecture],
    history: list[list[Any]],
    base: Sequence[Lecture] = (),
) -> str:
    current = GenerationRun.objects.select_for_update().filter(pk=run.pk).first()
    if current is None or current.status != Status.RUNNING or current.owner != run.owner:
        return "skipped"  # deleted, finished, handed back or taken over meanwhile
    progress = {
        "elapsed": round(result.elapsed, 3),
        "bound": result.bound,
        "phase": "done",
        "history": history,
    }
    if not result.assignments:
        if current.cancel_requested:
            _run_finish(run, status=Status.CANCELLED, **progress)
            return Status.CANCELLED
        explanation = result.infeasible.to_dict() if result.infeasible else {}
        reasons = explanation.get("reasons", [])
        code = ErrorCode.INFEASIBLE if result.status == "infeasible" else ErrorCode.NO_SOLUTION
        message = "; ".join(r["message"] for r in reasons[:3]) or "No timetable was found."
        return _run_failed(run, code, message, error_extra=explanation, **progress)
    pinned = {p.assignment for p in pins}
    revision = revision_store(
        problem=run.problem,
        lectures=[
            Lecture(a.course, a.room, a.day, a.period, a in pinned) for a in result.assignments
        ],
        origin=Revision.Origin.GENERATED,
        parent=run.base_revision,
        author=run.created_by,
        formulation=run.formulation,
        note=f"Generation run {run.pk} ({result.status})",
    )
    status = Status.CANCELLED if current.cancel_requested else Status.SUCCEEDED
    kept = Counter(result.assignments)
    moved = sum((Counter(lec.assignment for lec in base) - kept).values()) if base else None
    _run_finish(
        run,
        status=status,
        result_revision=revision,
        best_cost=revision.total_cost,
        moved_lectures=moved,
        **progress,
    )
    return status
