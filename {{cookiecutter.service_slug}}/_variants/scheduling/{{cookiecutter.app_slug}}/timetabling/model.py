"""Problem model for curriculum-based course timetabling (ITC-2007 track 3, CB-CTT).

Plain frozen dataclasses with no Django or Celery imports: the service maps its database rows
onto these, and the verifier and generator work on them alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_SLOTS = 10_000  # days x periods per day: bounds the dense arrays of the verifier and solver


def day_name(day: int, days: int) -> str:
    """Mon..Sun in a week of up to seven days, else `day N` (days are 0-based)."""
    return DAY_NAMES[day][:3] if days <= len(DAY_NAMES) else f"day {day}"


def week_fault(
    days: int, periods_per_day: int, min_daily: int = 0, max_daily: int = 0
) -> tuple[str, str] | None:
    """What makes a week invalid, as (field, reason), or None: the one rule every way in (ITC
    files, CSV workbooks, the API and the pages) applies."""
    if days < 1:
        return "days", "must be at least 1"
    if periods_per_day < 1:
        return "periods_per_day", "must be at least 1"
    if days * periods_per_day > MAX_SLOTS:
        return "periods_per_day", f"days x periods per day is more than {MAX_SLOTS}"
    if max_daily and max_daily < min_daily:
        return "max_daily_lectures", "is below the minimum daily lectures"
    return None


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    teacher: str
    lectures: int
    min_working_days: int
    students: int
    double_lectures: bool = False  # .ectt only (UD4)


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    capacity: int
    site: int = 0  # .ectt only: building, for travel distance (UD5)


@dataclass(frozen=True, slots=True)
class Curriculum:
    id: str
    courses: tuple[str, ...]


@dataclass(frozen=True, slots=True, order=True)
class Assignment:
    """One lecture of `course` held in `room` at (`day`, `period`)."""

    course: str
    room: str
    day: int
    period: int


@dataclass(frozen=True)
class Problem:
    name: str
    days: int
    periods_per_day: int
    courses: tuple[Course, ...]
    rooms: tuple[Room, ...]
    curricula: tuple[Curriculum, ...]
    # (course id, day, period) triples in which the course may not be taught
    unavailability: frozenset[tuple[str, int, int]] = frozenset()
    # (course id, room id) pairs: the room is unsuitable for the course (UD3, UD4)
    room_constraints: frozenset[tuple[str, str]] = frozenset()
    # per curriculum and day, for student load (UD3..UD5); .ctt files carry none
    min_daily_lectures: int = 0
    max_daily_lectures: int = 0
    extended: bool = False  # read from .ectt: the extra fields above are meaningful
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def periods(self) -> int:
        return self.days * self.periods_per_day

    @cached_property
    def course_by_id(self) -> dict[str, Course]:
        return {c.id: c for c in self.courses}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def curricula_of_course(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {c.id: [] for c in self.courses}
        for q in self.curricula:
            for cid in q.courses:
                out.setdefault(cid, []).append(q.id)
        return {k: tuple(v) for k, v in out.items()}

    @property
    def total_lectures(self) -> int:
        return sum(c.lectures for c in self.courses)
