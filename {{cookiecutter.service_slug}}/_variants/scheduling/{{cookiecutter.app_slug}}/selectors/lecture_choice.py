"""Reads for edits of many lectures at once: the lectures of a revision a choice names (every
lecture of a curriculum, of a teacher, on a day, or a list of lecture keys)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.exceptions import ApplicationError

from ..clock import problem_clock
from ..errors import ErrorCode
from ..lectures import Lecture
from ..models import Revision
from .problems import problem_to_core
from .revisions import revision_lectures

SCOPES = ("curriculum", "teacher", "day", "lectures")


@dataclass(frozen=True)
class LectureChoice:
    """The chosen lectures of a revision, and what chose them (`scope`, and `name`: the
    curriculum, the teacher, the day's name, or "" for a list of keys)."""

    lectures: list[Lecture]
    scope: str
    name: str

    def describe(self, count: int) -> str:
        """`count` of the chosen lectures in a sentence: "12 lectures of curriculum Cur1"."""
        lectures = f"{count} lecture{'' if count == 1 else 's'}"
        if self.scope == "day":
            return f"{lectures} on {self.name}"
        if self.scope == "lectures":
            return f"{count} selected lecture{'' if count == 1 else 's'}"
        return f"{lectures} of {self.scope} {self.name}"


def revision_lecture_choice(
    *,
    revision: Revision,
    curriculum: str | None = None,
    teacher: str | None = None,
    day: int | None = None,
    keys: Sequence[str] | None = None,
    lectures: list[Lecture] | None = None,
) -> LectureChoice:
    """The lectures of `revision` of a curriculum, of a teacher, on a day (0-based) or named by
    their keys (`Lecture.key`): exactly one of them. Unknown names are refused (400). With
    `lectures`, chosen among those instead (a person's draft of the revision)."""
    given = [name for name, value in zip(SCOPES, (curriculum, teacher, day, keys), strict=True)
             if value is not None]  # fmt: skip
    if len(given) != 1:
        raise ApplicationError(
            "Choose the lectures by exactly one of: curriculum, teacher, day, lectures"
            + (f" (got {', '.join(given)})." if given else "."),
            code=ErrorCode.INVALID_CHOICE,
            extra={"given": given},
        )
    if lectures is None:
        lectures = revision_lectures(revision=revision)
    if keys is not None:
        return LectureChoice(_by_keys(revision, lectures, keys), "lectures", "")
    problem = problem_to_core(problem=revision.problem)
    if day is not None:
        if not 0 <= day < problem.days:
            raise ApplicationError(
                f"Day {day} is outside the week (days 0 to {problem.days - 1}).",
                code=ErrorCode.OUTSIDE_WEEK,
                extra={"day": day},
            )
        name = problem_clock(revision.problem).day(day)
        return LectureChoice([lec for lec in lectures if lec.day == day], "day", name)
    if curriculum is not None:
        found = next((q for q in problem.curricula if q.id == curriculum), None)
        if found is None:
            raise ApplicationError(
                f"The problem has no curriculum {curriculum!r}.",
                code=ErrorCode.UNKNOWN_CURRICULUM,
                extra={"curriculum": curriculum},
            )
        courses = set(found.courses)
        chosen = [lec for lec in lectures if lec.course in courses]
        return LectureChoice(chosen, "curriculum", curriculum)
    courses = {c.id for c in problem.courses if c.teacher == teacher}
    if not courses:
        raise ApplicationError(
            f"The problem has no teacher {teacher!r}.",
            code=ErrorCode.UNKNOWN_TEACHER,
            extra={"teacher": teacher},
        )
    return LectureChoice(
        [lec for lec in lectures if lec.course in courses], "teacher", str(teacher)
    )


def _by_keys(revision: Revision, lectures: list[Lecture], keys: Sequence[str]) -> list[Lecture]:
    """The lectures `keys` name, each once, in the order given; a key naming no lecture of the
    revision is refused."""
    if not keys:
        raise ApplicationError(
            "Choose at least one lecture.", code=ErrorCode.INVALID_CHOICE, extra={"given": []}
        )
    by_key = {lec.key: lec for lec in lectures}
    chosen: dict[str, Lecture] = {}
    for key in keys:
        if Lecture.from_key(key) is None:
            raise ApplicationError(
                f"{key!r} is not a lecture: expected course|day|period|room.",
                code=ErrorCode.INVALID_LECTURE,
                extra={"lecture": key},
            )
        if key not in by_key:
            raise ApplicationError(
                f"Revision #{revision.number} has no lecture {key!r}.",
                code=ErrorCode.LECTURE_NOT_FOUND,
                extra={"lecture": key},
            )
        chosen[key] = by_key[key]
    return list(chosen.values())
