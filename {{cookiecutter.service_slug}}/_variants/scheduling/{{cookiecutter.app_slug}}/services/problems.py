"""Writes of problems: import a term from an ITC-2007 file, edit its courses, rooms and
curricula, delete it. Each runs in one transaction: a failure leaves nothing half-written."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from core.exceptions import ApplicationError, ConflictError

from .. import timetabling
from ..caching import forget_revision_bodies
from ..errors import ErrorCode, invalid_file, too_large
from ..lectures import KEY_SEPARATOR
from ..models import (
    Course,
    Curriculum,
    GenerationRun,
    Problem,
    Room,
    RoomConstraint,
    Unavailability,
    validate_time_zone,
)

ZIP_MAGIC = b"PK\x03\x04"  # how every zip file starts
CODE_LENGTH = 64  # the code columns of courses, rooms, curricula and teachers
SMALL_MAX = 32767  # the small integer columns (days, lectures, min working days, site, loads)


@transaction.atomic
def problem_import(
    *, file: bytes, name: str = "", filename: str = "upload", created_by: User | None = None
) -> Problem:
    """Store a problem read from ITC-2007 .ctt/.ectt text or a zip of CSV files (told apart by
    their content); a bad file writes nothing."""
    limit = settings.SCHEDULING_MAX_UPLOAD_BYTES
    if len(file) > limit:
        raise too_large(limit)
    is_zip = file.startswith(ZIP_MAGIC)
    try:
        if is_zip:
            parsed = timetabling.parse_workbook(file, source=filename)
        else:
            parsed = timetabling.parse_problem(file, source=filename)
    except timetabling.FormatError as exc:
        raise invalid_file("problem", exc.message, exc.line, part=exc.source if is_zip else None,
                           column=exc.column) from exc  # fmt: skip
    _check_fits_the_columns(parsed)
    if is_zip:
        source_format = Problem.SourceFormat.ZIP
    else:
        source_format = Problem.SourceFormat.ECTT if parsed.extended else Problem.SourceFormat.CTT
    problem = Problem.objects.create(
        name=(name or parsed.name)[:200],
        days=parsed.days,
        periods_per_day=parsed.periods_per_day,
        min_daily_lectures=parsed.min_daily_lectures,
        max_daily_lectures=parsed.max_daily_lectures,
        source_format=source_format,
        created_by=created_by,
    )
    _store_parts(problem, parsed)
    return problem


def _check_fits_the_columns(parsed: timetabling.Problem) -> None:
    """Ids and numbers the parser accepts but the database columns cannot hold: reject them,
    never truncate."""
    for what, codes in (
        ("course", [c.id for c in parsed.courses]),
        ("room", [r.id for r in parsed.rooms]),
        ("curriculum", [q.id for q in parsed.curricula]),
        ("teacher", [c.teacher for c in parsed.courses]),
    ):
        too_long = [c for c in codes if len(c) > CODE_LENGTH]
        if too_long:
            raise ApplicationError(
                f"A {what} id is longer than {CODE_LENGTH} characters: {too_long[0][:80]}",
                code=ErrorCode.INVALID_FILE,
                extra={"line": None},
            )
        with_separator = [c for c in codes if KEY_SEPARATOR in c]
        if with_separator:  # pages name a lecture course|day|period|room (lectures.py)
            raise ApplicationError(
                f"A {what} name may not contain {KEY_SEPARATOR!r}: {with_separator[0][:80]}",
                code=ErrorCode.INVALID_FILE,
                extra={"line": None},
            )
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
            raise invalid_file("problem", f"{what} is {value}, at most {SMALL_MAX}.")


def _store_parts(problem: Problem, parsed: timetabling.Problem) -> None:
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


@transaction.atomic
def problem_delete(*, problem: Problem) -> None:
    active = GenerationRun.objects.filter(
        problem=problem, status__in=[GenerationRun.Status.QUEUED, GenerationRun.Status.RUNNING]
    ).exists()
    if active:
        raise ConflictError(
            "The problem has a queued or running generation: cancel it first.",
            code=ErrorCode.RUN_ACTIVE,
        )
    revisions = list(problem.revisions.values_list("pk", "created_at"))
    problem.delete()
    transaction.on_commit(lambda: forget_revision_bodies(revisions))


WEEK_FIELDS = ("days", "periods_per_day", "min_daily_lectures", "max_daily_lectures")


@transaction.atomic
def problem_create(*, name: str, created_by: User | None = None, **week: int) -> Problem:
    """A new, empty problem entered in the service (courses, rooms and curricula come next)."""
    _check_week(week)
    return Problem.objects.create(
        name=name[:200],
        source_format=Problem.SourceFormat.ENTERED,
        created_by=created_by,
        **{k: week.get(k, 0) for k in WEEK_FIELDS},
    )


WEEK_WORDS = {
    "days": "Days per week",
    "periods_per_day": "Periods per day",
    "max_daily_lectures": "The maximum daily lectures",
}


def _check_week(week: dict[str, int]) -> None:
    fault = timetabling.week_fault(
        week.get("days", 1),
        week.get("periods_per_day", 1),
        week.get("min_daily_lectures", 0),
        week.get("max_daily_lectures", 0),
    )
    if fault is not None:
        field, reason = fault
        raise ApplicationError(f"{WEEK_WORDS[field]}: {reason}.")


@transaction.atomic
def problem_update(*, problem: Problem, **fields: Any) -> Problem:
    """Rename the problem, change its week and daily limits (problem data: a new version; a
    course's unavailability outside the new week goes), or set its term's calendar (not problem
    data: no new version)."""
    calendar = {k: v for k, v in fields.items() if k in Problem.CALENDAR_FIELDS}
    if calendar.get("time_zone"):
        calendar["time_zone"] = _time_zone_name(calendar["time_zone"])
    start = calendar.get("term_start", problem.term_start)
    end = calendar.get("term_end", problem.term_end)
    if start and end and end < start:
        raise ApplicationError(
            f"The term cannot end ({end}) before it starts ({start}).", code=ErrorCode.INVALID_TERM
        )
    week = {k: v for k, v in fields.items() if k in WEEK_FIELDS and getattr(problem, k) != v}
    _check_week({**{k: getattr(problem, k) for k in WEEK_FIELDS}, **week})
    changed = {**calendar, **week, **({"name": fields["name"]} if "name" in fields else {})}
    for key, value in changed.items():
        setattr(problem, key, value)
    if changed:
        problem.save(update_fields=list(changed))
    if week:
        Unavailability.objects.filter(course__problem=problem).filter(
            Q(day__gte=problem.days) | Q(period__gte=problem.periods_per_day)
        ).delete()
        problem_new_version(problem=problem)
    return problem


def _time_zone_name(name: str) -> str:
    try:
        validate_time_zone(name)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], code=ErrorCode.INVALID_TERM) from None
    return ZoneInfo(name).key


def problem_new_version(*, problem: Problem) -> None:
    """`problem_data_changed`, with `problem` then holding its new version."""
    problem_data_changed(problem_id=problem.pk)
    problem.refresh_from_db(fields=["version"])


def problem_data_changed(*, problem_id: int) -> None:
    """New problem data: a new version. The cached domain model of the old version is not used
    again, and revisions made before are marked as made for an earlier version."""
    Problem.objects.filter(pk=problem_id).update(version=F("version") + 1)
