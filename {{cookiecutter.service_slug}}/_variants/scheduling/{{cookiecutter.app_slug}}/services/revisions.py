"""Writes of revisions: every timetable (edited, imported or generated) is stored here,
verified and numbered, in one transaction. Revisions are never changed afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.db import transaction

from core.exceptions import ApplicationError, ConflictError

from .. import timetabling
from ..errors import ErrorCode, invalid_file
from ..lectures import Edit, Lecture, LectureNotFound, Move, Pin, apply_edits
from ..models import Assignment, Course, Problem, Revision, Room
from ..selectors.problems import problem_to_core
from ..selectors.revisions import revision_lectures, timetable_verify


def revision_store(
    *,
    problem: Problem,
    lectures: list[Lecture],
    origin: str,
    parent: Revision | None,
    author: User | None,
    formulation: str,
    note: str = "",
    expect_latest: int | None = None,
) -> Revision:
    """Verify and write one revision with its lectures (the caller holds a transaction).

    With `expect_latest`, refuse (409) unless that revision is still the problem's latest."""
    _check_lectures(problem, lectures)
    verification = timetable_verify(
        problem=problem, assignments=[lec.assignment for lec in lectures], formulation=formulation
    )
    number = _next_number(problem, expect_latest)  # locks the problem's row
    version = Problem.objects.filter(pk=problem.pk).values_list("version", flat=True).get()
    revision = Revision.objects.create(
        problem=problem,
        number=number,
        problem_version=version,
        parent=parent,
        origin=origin,
        formulation=verification.formulation,
        cost={"hard": verification.hard_values, "soft": verification.soft_values},
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


def _check_lectures(problem: Problem, lectures: Iterable[Lecture]) -> None:
    core_problem = problem_to_core(problem=problem)
    for lec in lectures:
        if lec.course not in core_problem.course_by_id:
            raise ApplicationError(
                f"Unknown course {lec.course!r}.",
                code=ErrorCode.UNKNOWN_COURSE,
                extra={"course": lec.course},
            )
        if lec.room not in core_problem.room_by_id:
            raise ApplicationError(
                f"Unknown room {lec.room!r}.", code=ErrorCode.UNKNOWN_ROOM, extra={"room": lec.room}
            )
        if not (0 <= lec.day < problem.days and 0 <= lec.period < problem.periods_per_day):
            raise ApplicationError(
                f"Day {lec.day} period {lec.period} is outside the week "
                f"({problem.days} days x {problem.periods_per_day} periods).",
                code=ErrorCode.OUTSIDE_WEEK,
                extra={"day": lec.day, "period": lec.period},
            )


def _next_number(problem: Problem, expect_latest: int | None) -> int:
    """The number of the problem's next revision, numbering serialised per problem."""
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
            code=ErrorCode.STALE_REVISION,
            extra={"latest_revision": latest[0] if latest else None},
        )
    return (latest[1] if latest else 0) + 1


@transaction.atomic
def revision_create_edited(
    *,
    base: Revision,
    moves: Sequence[Move] = (),
    pins: Sequence[Pin] = (),
    author: User | None = None,
    note: str = "",
) -> Revision:
    """A new revision: `base` with lectures moved and pinned. `base` must be the latest."""
    lectures = edited_lectures(revision_lectures(revision=base), [Edit(tuple(moves), tuple(pins))])
    return revision_store(
        problem=base.problem,
        lectures=lectures,
        origin=Revision.Origin.EDITED,
        parent=base,
        author=author,
        formulation=base.formulation,
        note=note,
        expect_latest=base.pk,
    )


def edited_lectures(lectures: list[Lecture], edits: Sequence[Edit]) -> list[Lecture]:
    """`lectures` with `edits` made in order; a missing lecture is a 400 naming it."""
    try:
        return apply_edits(lectures, edits)
    except LectureNotFound as missing:
        slot = missing.slot
        raise ApplicationError(
            f"There is no lecture of {missing.course} in {slot.room} on day {slot.day} "
            f"period {slot.period}.",
            code=ErrorCode.LECTURE_NOT_FOUND,
            extra={"course": missing.course, **slot._asdict()},
        ) from missing


@transaction.atomic
def revision_import(
    *,
    problem: Problem,
    file: bytes,
    formulation: str = "UD2",
    author: User | None = None,
    note: str = "",
) -> Revision:
    """A new revision read from an ITC-2007 solution file."""
    try:
        read = timetabling.parse_solution(file, source="solution")
    except timetabling.FormatError as exc:
        raise invalid_file("solution", exc.message, exc.line) from exc
    # Names with blanks travel as tokens in .sol files (timetabling.itc_names).
    assignments = timetabling.itc_names(problem_to_core(problem=problem)).to_names(read)
    latest = Revision.objects.filter(problem=problem).order_by("-number").first()
    return revision_store(
        problem=problem,
        lectures=[Lecture(a.course, a.room, a.day, a.period) for a in assignments],
        origin=Revision.Origin.IMPORTED,
        parent=latest,
        author=author,
        formulation=formulation,
        note=note,
    )
