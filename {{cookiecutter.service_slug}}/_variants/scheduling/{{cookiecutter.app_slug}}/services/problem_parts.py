"""Writes of a problem's parts: add, edit and remove its courses, rooms and curricula, and set a
course's unavailable periods and forbidden rooms. Each change is a new version of the problem
(`problem_new_version`), in one transaction: a refused change writes nothing.

Courses and rooms are removed softly (`removed`): revisions that placed them stay readable as
they were; adding a course or room of a removed one's code brings that row back, without the
curricula and constraints it had.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from core.exceptions import ApplicationError, ConflictError

from ..errors import ErrorCode
from ..lectures import KEY_SEPARATOR
from ..models import Course, Curriculum, Problem, Room, RoomConstraint, Unavailability
from .problems import problem_new_version

Part = TypeVar("Part", Course, Room)
COURSE_FIELDS = ("teacher", "lectures", "min_working_days", "students", "double_lectures")
ROOM_FIELDS = ("capacity", "site")


def _check_code(what: str, code: str) -> str:
    code = code.strip()
    if not code or KEY_SEPARATOR in code:
        raise ApplicationError(
            f"A {what} needs a name, without {KEY_SEPARATOR!r}.", code=ErrorCode.INVALID_NAME
        )
    return code


@transaction.atomic
def course_create(*, problem: Problem, code: str, **fields: Any) -> Course:
    code = _check_code("course", code)
    return _create(Course, problem, code, {k: fields[k] for k in COURSE_FIELDS if k in fields})


@transaction.atomic
def room_create(*, problem: Problem, code: str, **fields: Any) -> Room:
    code = _check_code("room", code)
    return _create(Room, problem, code, {k: fields[k] for k in ROOM_FIELDS if k in fields})


def _create(model: type[Part], problem: Problem, code: str, values: dict[str, Any]) -> Part:
    row = model.objects.select_for_update().filter(problem=problem, code=code).first()
    if row is not None and not row.removed:
        raise ConflictError(
            f"The problem already has a {model.__name__.lower()} {code!r}.",
            code=ErrorCode.NAME_TAKEN,
        )
    if row is None:
        row = model.objects.create(problem=problem, code=code, **values)
    else:  # brought back: the revisions that placed it refer to this row
        for key, value in {**values, "removed": False}.items():
            setattr(row, key, value)
        row.save()
    problem_new_version(problem=problem)
    return row


@transaction.atomic
def course_remove(*, course: Course) -> None:
    Curriculum.courses.through.objects.filter(course=course).delete()
    Unavailability.objects.filter(course=course).delete()
    RoomConstraint.objects.filter(course=course).delete()
    course.removed = True
    course.save(update_fields=["removed"])
    problem_new_version(problem=course.problem)


@transaction.atomic
def room_remove(*, room: Room) -> None:
    RoomConstraint.objects.filter(room=room).delete()
    room.removed = True
    room.save(update_fields=["removed"])
    problem_new_version(problem=room.problem)


@transaction.atomic
def course_update(*, course: Course, **fields: Any) -> Course:
    _update(course, fields, COURSE_FIELDS)
    return course


@transaction.atomic
def room_update(*, room: Room, **fields: Any) -> Room:
    _update(room, fields, ROOM_FIELDS)
    return room


def _update(row: Course | Room, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    changed = [k for k in fields if k in allowed]
    for key in changed:
        setattr(row, key, fields[key])
    if changed:
        row.save(update_fields=changed)
        problem_new_version(problem=row.problem)


def _live_ids(model: type[Part], problem_id: int, codes: list[str]) -> dict[str, int]:
    """code -> id of the problem's (not removed) courses or rooms named in `codes`; 400 naming
    the first other one."""
    found = dict(
        model.objects.filter(problem_id=problem_id, code__in=codes, removed=False).values_list(
            "code", "pk"
        )
    )
    unknown = [code for code in codes if code not in found]
    if unknown:
        what = model.__name__.lower()
        code = ErrorCode.UNKNOWN_COURSE if model is Course else ErrorCode.UNKNOWN_ROOM
        raise ApplicationError(
            f"Unknown {what} {unknown[0]!r}.", code=code, extra={f"{what}s": unknown}
        )
    return found


@transaction.atomic
def curriculum_create(*, problem: Problem, code: str, course_codes: list[str]) -> Curriculum:
    code = _check_code("curriculum", code)
    if Curriculum.objects.filter(problem=problem, code=code).exists():
        raise ConflictError(
            f"The problem already has a curriculum {code!r}.", code=ErrorCode.NAME_TAKEN
        )
    curriculum = Curriculum.objects.create(problem=problem, code=code)
    return curriculum_update(curriculum=curriculum, course_codes=course_codes)


@transaction.atomic
def curriculum_update(*, curriculum: Curriculum, course_codes: list[str]) -> Curriculum:
    """Replace the curriculum's courses (codes of the same problem; unknown codes: 400)."""
    codes = list(dict.fromkeys(course_codes))
    courses = _live_ids(Course, curriculum.problem_id, codes)
    curriculum.courses.set([courses[code] for code in codes])
    problem_new_version(problem=curriculum.problem)
    return curriculum


@transaction.atomic
def curriculum_remove(*, curriculum: Curriculum) -> None:
    """Curricula are not part of revisions: removed for good."""
    problem = curriculum.problem
    curriculum.delete()
    problem_new_version(problem=problem)


@transaction.atomic
def course_constraints_set(
    *,
    course: Course,
    unavailable: list[tuple[int, int]] | None = None,
    forbidden_rooms: list[str] | None = None,
) -> Course:
    """Replace the periods (day, period; 0-based) in which the course may not be taught and/or
    the rooms it may not use."""
    problem = course.problem
    if unavailable is not None:
        week = {(d, p) for d in range(problem.days) for p in range(problem.periods_per_day)}
        outside = [slot for slot in unavailable if slot not in week]
        if outside:
            day, period = outside[0]
            raise ApplicationError(
                f"Day {day} period {period} is outside the week "
                f"({problem.days} days x {problem.periods_per_day} periods).",
                code=ErrorCode.OUTSIDE_WEEK, extra={"day": day, "period": period},
            )  # fmt: skip
        Unavailability.objects.filter(course=course).delete()
        Unavailability.objects.bulk_create(
            Unavailability(course=course, day=d, period=p) for d, p in sorted(set(unavailable))
        )
    if forbidden_rooms is not None:
        codes = list(dict.fromkeys(forbidden_rooms))
        rooms = _live_ids(Room, problem.pk, codes)
        RoomConstraint.objects.filter(course=course).delete()
        RoomConstraint.objects.bulk_create(
            RoomConstraint(course=course, room_id=rooms[code]) for code in codes
        )
    problem_new_version(problem=problem)
    return course
