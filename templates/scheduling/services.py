"""Writes of the scheduling app: keyword-only, typed, one verb each.

Every service runs in one transaction: a failure leaves nothing half-written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, NotFoundError, UnprocessableError

from . import timetabling as core
from .models import (
    Assignment,
    Course,
    Curriculum,
    GenerationRun,
    Problem,
    Revision,
    Room,
    RoomConstraint,
    Unavailability,
)
from .selectors import Lecture, problem_to_core, revision_forget_bodies, revision_lectures
from .tasks import generation_run_execute

logger = logging.getLogger(__name__)

GENERATOR_FORMULATIONS = ("UD1", "UD2", "UD3", "UD4", "UD5")
PROGRESS_WRITE_INTERVAL = 1.0  # seconds between progress writes of a running generation
CANCEL_POLL_INTERVAL = 0.5  # seconds between reads of the cancel flag
MAX_ATTEMPTS = 3  # deliveries of one run (re-delivery after a lost worker) before giving up

User = AbstractBaseUser | None


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# ------------------------------------------------------------------------------ problems
@transaction.atomic
def problem_import(
    *, file: bytes, name: str = "", filename: str = "upload", created_by: User = None
) -> Problem:
    """Store a problem read from ITC-2007 .ctt/.ectt text; a bad file writes nothing."""
    limit = _setting("SCHEDULING_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
    if len(file) > limit:
        raise ApplicationError(
            f"The file is larger than {limit} bytes.",
            code="too_large",
            extra={"max_bytes": limit},
            status_code=413,
        )
    try:
        parsed = core.parse_problem(file, source=filename)
    except core.FormatError as exc:
        raise ApplicationError(
            f"The file is not a valid problem: {exc.message}"
            + (f" (line {exc.line})" if exc.line else ""),
            code="invalid_file",
            extra={"line": exc.line},
        ) from exc
    for what, codes in (
        ("course", [c.id for c in parsed.courses]),
        ("room", [r.id for r in parsed.rooms]),
        ("curriculum", [q.id for q in parsed.curricula]),
        ("teacher", [c.teacher for c in parsed.courses]),
    ):
        too_long = [c for c in codes if len(c) > 64]
        if too_long:
            raise ApplicationError(
                f"A {what} id is longer than 64 characters: {too_long[0][:80]}",
                code="invalid_file",
                extra={"line": None},
            )
    _check_ranges(parsed)
    problem = Problem.objects.create(
        name=(name or parsed.name)[:200],
        days=parsed.days,
        periods_per_day=parsed.periods_per_day,
        min_daily_lectures=parsed.min_daily_lectures,
        max_daily_lectures=parsed.max_daily_lectures,
        source_format=Problem.SourceFormat.ECTT if parsed.extended else Problem.SourceFormat.CTT,
        created_by=created_by,
    )
    Course.objects.bulk_create(
        Course(
            problem=problem,
            code=c.id,
            teacher=c.teacher,
            lectures=c.lectures,
            min_working_days=c.min_working_days,
            students=c.students,
            double_lectures=c.double_lectures,
        )
        for c in parsed.courses
    )
    Room.objects.bulk_create(
        Room(problem=problem, code=r.id, capacity=r.capacity, site=r.site) for r in parsed.rooms
    )
    Curriculum.objects.bulk_create(Curriculum(problem=problem, code=q.id) for q in parsed.curricula)
    course_ids = dict(Course.objects.filter(problem=problem).values_list("code", "id"))
    room_ids = dict(Room.objects.filter(problem=problem).values_list("code", "id"))
    curriculum_ids = dict(Curriculum.objects.filter(problem=problem).values_list("code", "id"))
    Through = Curriculum.courses.through
    Through.objects.bulk_create(
        Through(curriculum_id=curriculum_ids[q.id], course_id=course_ids[cid])
        for q in parsed.curricula
        for cid in dict.fromkeys(q.courses)
    )
    Unavailability.objects.bulk_create(
        Unavailability(course_id=course_ids[cid], day=day, period=period)
        for cid, day, period in sorted(parsed.unavailability)
    )
    RoomConstraint.objects.bulk_create(
        RoomConstraint(course_id=course_ids[cid], room_id=room_ids[rid])
        for cid, rid in sorted(parsed.room_constraints)
    )
    return problem


SMALL_MAX = 32767  # the small integer columns (days, lectures, min working days, site, loads)


def _check_ranges(parsed: core.Problem) -> None:
    """Numbers the parser accepts but the database columns cannot hold: reject, never truncate."""
    values = [
        ("days", parsed.days),
        ("periods per day", parsed.periods_per_day),
        ("minimum daily lectures", parsed.min_daily_lectures),
        ("maximum daily lectures", parsed.max_daily_lectures),
        *((f"lectures of {c.id}", c.lectures) for c in parsed.courses),
        *((f"minimum working days of {c.id}", c.min_working_days) for c in parsed.courses),
        *((f"site of {r.id}", r.site) for r in parsed.rooms),
    ]
    for what, value in values:
        if value > SMALL_MAX:
            raise ApplicationError(
                f"The file is not a valid problem: {what} is {value}, at most {SMALL_MAX}.",
                code="invalid_file",
                extra={"line": None},
            )


@transaction.atomic
def problem_delete(*, problem: Problem) -> None:
    active = GenerationRun.objects.filter(
        problem=problem, status__in=[GenerationRun.Status.QUEUED, GenerationRun.Status.RUNNING]
    ).exists()
    if active:
        raise ConflictError(
            "The problem has a queued or running generation: cancel it first.", code="run_active"
        )
    revision_ids = list(problem.revisions.values_list("pk", flat=True))
    problem.delete()
    transaction.on_commit(lambda: revision_forget_bodies(revision_ids=revision_ids))


def _bump_version(problem: Problem) -> None:
    Problem.objects.filter(pk=problem.pk).update(version=F("version") + 1)
    problem.refresh_from_db(fields=["version"])


@transaction.atomic
def course_update(*, course: Course, **fields: Any) -> Course:
    allowed = {"teacher", "lectures", "min_working_days", "students", "double_lectures"}
    changed = [k for k in fields if k in allowed]
    for key in changed:
        setattr(course, key, fields[key])
    if changed:
        course.save(update_fields=changed)
        _bump_version(course.problem)
    return course


@transaction.atomic
def room_update(*, room: Room, **fields: Any) -> Room:
    allowed = {"capacity", "site"}
    changed = [k for k in fields if k in allowed]
    for key in changed:
        setattr(room, key, fields[key])
    if changed:
        room.save(update_fields=changed)
        _bump_version(room.problem)
    return room


@transaction.atomic
def curriculum_update(*, curriculum: Curriculum, course_codes: list[str]) -> Curriculum:
    """Replace the curriculum's courses (codes of the same problem; unknown codes: 400)."""
    codes = list(dict.fromkeys(course_codes))
    courses = dict(
        Course.objects.filter(problem_id=curriculum.problem_id, code__in=codes).values_list(
            "code", "pk"
        )
    )
    unknown = [code for code in codes if code not in courses]
    if unknown:
        raise ApplicationError(
            f"Unknown course {unknown[0]!r}.", code="unknown_course", extra={"courses": unknown}
        )
    curriculum.courses.set([courses[code] for code in codes])
    _bump_version(curriculum.problem)
    return curriculum


# ------------------------------------------------------------------------------ revisions
def _check_lectures(problem: Problem, lectures: Iterable[Lecture]) -> None:
    core_problem = problem_to_core(problem=problem)
    for lec in lectures:
        if lec.course not in core_problem.course_by_id:
            raise ApplicationError(
                f"Unknown course {lec.course!r}.",
                code="unknown_course",
                extra={"course": lec.course},
            )
        if lec.room not in core_problem.room_by_id:
            raise ApplicationError(
                f"Unknown room {lec.room!r}.", code="unknown_room", extra={"room": lec.room}
            )
        if not (0 <= lec.day < problem.days and 0 <= lec.period < problem.periods_per_day):
            raise ApplicationError(
                f"Day {lec.day} period {lec.period} is outside the week "
                f"({problem.days} days x {problem.periods_per_day} periods).",
                code="outside_week",
                extra={"day": lec.day, "period": lec.period},
            )


def _revision_store(
    *,
    problem: Problem,
    lectures: list[Lecture],
    origin: str,
    parent: Revision | None,
    author: User,
    formulation: str,
    note: str = "",
    expect_latest: int | None = None,
) -> Revision:
    """Verify and write one revision with its assignments (caller holds a transaction)."""
    _check_lectures(problem, lectures)
    verification = core.verify(
        problem_to_core(problem=problem), [lec.assignment for lec in lectures], formulation
    )
    # Serialise numbering (and staleness checks) per problem.
    Problem.objects.select_for_update().filter(pk=problem.pk).values_list("pk", flat=True).first()
    latest = (
        Revision.objects.filter(problem=problem)
        .order_by("-number")
        .values_list("pk", "number")
        .first()
    )
    if expect_latest is not None and (latest is None or latest[0] != expect_latest):
        raise ConflictError(
            "The revision was edited meanwhile: edit the latest revision instead.",
            code="stale_revision",
            extra={"latest_revision": latest[0] if latest else None},
        )
    number = (latest[1] if latest else 0) + 1
    data = verification.to_dict()
    revision = Revision.objects.create(
        problem=problem,
        number=number,
        parent=parent,
        origin=origin,
        formulation=verification.formulation,
        cost={"hard": data["hard"], "soft": data["soft"]},
        hard_violations=verification.hard_violations,
        total_cost=verification.total_cost,
        author=author,
        note=note[:500],
    )
    course_ids = dict(Course.objects.filter(problem=problem).values_list("code", "id"))
    room_ids = dict(Room.objects.filter(problem=problem).values_list("code", "id"))
    Assignment.objects.bulk_create(
        Assignment(
            revision=revision,
            course_id=course_ids[lec.course],
            room_id=room_ids[lec.room],
            day=lec.day,
            period=lec.period,
            pinned=lec.pinned,
        )
        for lec in sorted(lectures, key=lambda x: (x.day, x.period, x.course, x.room))
    )
    return revision


@dataclass(frozen=True)
class Move:
    course: str
    source: tuple[int, int, str]  # (day, period, room)
    target: tuple[int, int, str | None]  # room None: keep the room


@dataclass(frozen=True)
class Pin:
    course: str
    slot: tuple[int, int, str]
    pinned: bool = True


@transaction.atomic
def revision_create_edited(
    *,
    base: Revision,
    moves: list[Move] = (),  # type: ignore[assignment]
    pins: list[Pin] = (),  # type: ignore[assignment]
    author: User = None,
    note: str = "",
) -> Revision:
    """A new revision: `base` with lectures moved and pinned. `base` must be the latest."""
    lectures = [[lec.course, lec.room, lec.day, lec.period, lec.pinned] for lec in
                revision_lectures(revision=base)]  # fmt: skip

    def find(course: str, slot: tuple[int, int, str]) -> list:
        day, period, room = slot
        for lec in lectures:
            if lec[0] == course and (lec[2], lec[3], lec[1]) == (day, period, room):
                return lec
        raise ApplicationError(
            f"Revision {base.number} has no lecture of {course} in {room} "
            f"on day {day} period {period}.",
            code="lecture_not_found",
            extra={"course": course, "day": day, "period": period, "room": room},
        )

    for move in moves:
        lec = find(move.course, move.source)
        day, period, room = move.target
        lec[2], lec[3] = day, period
        if room:
            lec[1] = room
    for pin in pins:
        find(pin.course, pin.slot)[4] = pin.pinned
    return _revision_store(
        problem=base.problem,
        lectures=[Lecture(*lec) for lec in lectures],
        origin=Revision.Origin.EDITED,
        parent=base,
        author=author,
        formulation=base.formulation,
        note=note,
        expect_latest=base.pk,
    )


@transaction.atomic
def revision_import(
    *, problem: Problem, file: bytes, formulation: str = "UD2", author: User = None, note: str = ""
) -> Revision:
    """A new revision read from an ITC-2007 solution file."""
    try:
        assignments = core.parse_solution(file, source="solution")
    except core.FormatError as exc:
        raise ApplicationError(
            f"The file is not a valid solution: {exc.message}"
            + (f" (line {exc.line})" if exc.line else ""),
            code="invalid_file",
            extra={"line": exc.line},
        ) from exc
    latest_id = Revision.objects.filter(problem=problem).order_by("-number").first()
    return _revision_store(
        problem=problem,
        lectures=[Lecture(a.course, a.room, a.day, a.period) for a in assignments],
        origin=Revision.Origin.IMPORTED,
        parent=latest_id,
        author=author,
        formulation=formulation,
        note=note,
    )


# ------------------------------------------------------------------------------ runs
def _explain_quick(problem: Problem, pins: list[Lecture], formulation: str) -> dict | None:
    """Necessary-condition checks of the generator, run synchronously (milliseconds)."""
    from .timetabling.generator_explain import quick_checks
    from .timetabling.generator_model import Compiled

    comp = Compiled(problem_to_core(problem=problem), formulation)
    pin_idx = [
        (comp.cidx[p.course], p.day * comp.P + p.period, comp.ridx.get(p.room)) for p in pins
    ]
    reasons = quick_checks(comp, pin_idx)
    if not reasons:
        return None
    return {"proven": True, "reasons": [r.to_dict() for r in reasons]}


def run_start(
    *,
    problem: Problem,
    formulation: str = "UD2",
    time_limit: int = 60,
    seed: int = 0,
    base_revision: Revision | None = None,
    min_change_weight: int | None = None,
    created_by: User = None,
    enqueue: bool = True,
) -> GenerationRun:
    """Queue a generation; the worker picks it up once this transaction has committed."""
    formulation = formulation.upper()
    if formulation not in GENERATOR_FORMULATIONS:
        raise ApplicationError(
            f"Unknown formulation {formulation!r}.",
            code="invalid_formulation",
            extra={"choices": list(GENERATOR_FORMULATIONS)},
        )
    max_limit = _setting("SCHEDULING_MAX_TIME_LIMIT", 3000)
    if not 1 <= time_limit <= max_limit:
        raise ApplicationError(
            f"time_limit must be between 1 and {max_limit} seconds.", code="invalid_time_limit"
        )
    if base_revision is not None and base_revision.problem_id != problem.pk:
        raise ApplicationError(
            "The base revision belongs to another problem.", code="invalid_base_revision"
        )
    if min_change_weight and base_revision is None:
        raise ApplicationError(
            "min_change_weight needs a base revision.", code="invalid_min_change_weight"
        )
    pins = (
        [lec for lec in revision_lectures(revision=base_revision) if lec.pinned]
        if base_revision
        else []
    )
    explanation = _explain_quick(problem, pins, formulation)
    if explanation is not None:
        raise UnprocessableError(
            "The problem has no feasible timetable: "
            + "; ".join(r["message"] for r in explanation["reasons"][:3]),
            code="infeasible",
            extra=explanation,
        )
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


def run_enqueue(*, run: GenerationRun) -> None:
    # The soft limit sits above the solver's own budget: it only fires if the solver overruns.
    generation_run_execute.apply_async(
        args=[run.pk], soft_time_limit=run.time_limit + 30, time_limit=run.time_limit + 60
    )


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
            code="run_finished",
            extra={"status": current.status},
        )
    return current


def _run_claim(run_id: int) -> GenerationRun | None:
    """Take a run for this delivery, or None when another delivery owns or finished it.

    Rule (idempotency and re-delivery): only a `queued` run starts (one conditional UPDATE, so
    exactly one delivery wins). A delivery that finds the run `running` with a heartbeat older
    than SCHEDULING_RUN_STALE_SECONDS takes it over: its worker was lost, and acks-late
    re-delivered the task. A fresh heartbeat means a live worker owns it: the delivery does
    nothing. Finished runs are never touched again.
    """
    Status = GenerationRun.Status
    now = timezone.now()
    claimed = GenerationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, updated_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        stale = now - timedelta(seconds=_setting("SCHEDULING_RUN_STALE_SECONDS", 60))
        claimed = GenerationRun.objects.filter(
            pk=run_id, status=Status.RUNNING, updated_at__lt=stale
        ).update(updated_at=now, attempts=F("attempts") + 1, phase="", best_cost=None, bound=None)
        if claimed:
            logger.warning("generation run %s: heartbeat is stale, restarting it", run_id)
    if not claimed:
        return None
    run = GenerationRun.objects.select_related("problem", "base_revision").get(pk=run_id)
    if run.cancel_requested:
        _run_finish(run_id, status=Status.CANCELLED)
        return None
    if run.attempts > MAX_ATTEMPTS:
        _run_finish(
            run_id,
            status=Status.FAILED,
            error_code="too_many_attempts",
            error_message=f"The run was started {MAX_ATTEMPTS} times without finishing.",
        )
        return None
    return run


def _run_finish(run_id: int, *, status: str, **fields: Any) -> bool:
    now = timezone.now()
    return bool(
        GenerationRun.objects.filter(pk=run_id, status=GenerationRun.Status.RUNNING).update(
            status=status, finished_at=now, updated_at=now, **fields
        )
    )


class _Monitor(threading.Thread):
    """Owns the run's database traffic during a solve: progress writes, heartbeat, cancel flag.

    The solver calls its callbacks from its own threads; they only touch memory here, and this
    one thread (with its own connection, closed at the end) talks to the database.
    """

    def __init__(self, run_id: int) -> None:
        super().__init__(name=f"generation-run-{run_id}", daemon=True)
        self.run_id = run_id
        self.stop_event = threading.Event()
        self.cancelled = threading.Event()
        self.progress: Any = None
        self.written: object | None = None
        self.last_write = 0.0

    def on_progress(self, progress: Any) -> None:
        self.progress = progress

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
            .values_list("status", "cancel_requested")
            .first()
        )
        if row is None or row[1] or row[0] != GenerationRun.Status.RUNNING:
            self.cancelled.set()
        now = time.monotonic()
        if now - self.last_write >= PROGRESS_WRITE_INTERVAL:
            self.last_write = now
            self.write()

    def write(self) -> None:
        p = self.progress
        fields: dict[str, Any] = {"updated_at": timezone.now()}  # the heartbeat
        if p is not None and p is not self.written:
            self.written = p
            fields.update(phase=p.phase, elapsed=p.elapsed, best_cost=p.best_cost, bound=p.bound)
        GenerationRun.objects.filter(pk=self.run_id, status=GenerationRun.Status.RUNNING).update(
            **fields
        )


def run_execute(*, run_id: int) -> str:
    """Run one generation to its end; safe to call again for the same run (see `_run_claim`)."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .timetabling.generator import GeneratorInputError, solve

    run = _run_claim(run_id)
    if run is None:
        return "skipped"
    Status = GenerationRun.Status
    problem = run.problem
    base_lectures = revision_lectures(revision=run.base_revision) if run.base_revision else []
    pins = [lec for lec in base_lectures if lec.pinned]
    monitor = _Monitor(run_id)
    monitor.start()
    try:
        result = solve(
            problem_to_core(problem=problem),
            formulation=run.formulation,
            time_limit=run.time_limit,
            workers=_setting("SCHEDULING_SOLVER_WORKERS", 2),
            seed=run.seed,
            base=[lec.assignment for lec in base_lectures] or None,
            pins=[lec.assignment for lec in pins],
            min_change_weight=run.min_change_weight,
            on_progress=monitor.on_progress,
            should_stop=monitor.should_stop,
        )
    except GeneratorInputError as exc:
        _run_finish(
            run_id, status=Status.FAILED, error_code="invalid_input", error_message=str(exc)
        )
        return "failed"
    except SoftTimeLimitExceeded:
        _run_finish(
            run_id,
            status=Status.FAILED,
            error_code="time_limit",
            error_message="The generation overran its time limit.",
        )
        return "failed"
    except Exception as exc:
        logger.exception("generation run %s failed", run_id)
        _run_finish(
            run_id, status=Status.FAILED, error_code="internal_error", error_message=str(exc)[:500]
        )
        return "failed"
    finally:
        monitor.stop_event.set()
        monitor.join()
    return _run_store_result(run, result, pins=pins)


@transaction.atomic
def _run_store_result(run: GenerationRun, result: Any, *, pins: list[Lecture]) -> str:
    Status = GenerationRun.Status
    current = GenerationRun.objects.select_for_update().filter(pk=run.pk).first()
    if current is None or current.status != Status.RUNNING:
        return "skipped"  # deleted, or finished by another delivery meanwhile
    progress = {"elapsed": round(result.elapsed, 3), "bound": result.bound, "phase": "done"}
    if not result.assignments:
        explanation = result.infeasible.to_dict() if result.infeasible else {}
        reasons = explanation.get("reasons", [])
        if current.cancel_requested:
            _run_finish(run.pk, status=Status.CANCELLED, **progress)
            return Status.CANCELLED
        code = "infeasible" if result.status == "infeasible" else "no_solution"
        message = "; ".join(r["message"] for r in reasons[:3]) or "No timetable was found."
        _run_finish(
            run.pk,
            status=Status.FAILED,
            error_code=code,
            error_message=message,
            error_extra=explanation,
            **progress,
        )
        return Status.FAILED
    pinned = {p.assignment for p in pins}
    revision = _revision_store(
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
    _run_finish(
        run.pk, status=status, result_revision=revision, best_cost=revision.total_cost, **progress
    )
    return status


__all__ = [
    "Move",
    "Pin",
    "course_update",
    "problem_delete",
    "problem_import",
    "revision_create_edited",
    "revision_import",
    "room_update",
    "run_cancel",
    "run_enqueue",
    "run_execute",
    "run_start",
]
