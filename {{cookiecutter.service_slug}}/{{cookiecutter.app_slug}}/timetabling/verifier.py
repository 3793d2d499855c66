"""Exact verifier for CB-CTT timetables: the oracle every generated timetable must pass.

It reproduces the numbers of the official validators (the ITC-2007 track-3 validator and the
UD1..UD5 multi-formulation validator of Schaerf and Di Gaspero), including their treatment of bad
solution lines: unknown courses or rooms, out-of-range days or periods and a second lecture of a
course in one period are skipped with a warning. Besides the totals it explains every penalty as a
`Violation` naming the courses, rooms, curricula, teachers and the period involved.

Days and periods are 0-based everywhere, as in the file formats. One deliberate difference: a
maximum daily load of 0 (what `.ctt` problems carry) means "no maximum" for StudentLoad.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .formulations import FORMULATIONS, Measure, Term, formulation_terms
from .model import Assignment, Course, Problem, Room

__all__ = ["FORMULATIONS", "Component", "Verification", "Violation", "verify"]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Violation:
    """One penalised fact; `cost` is what it adds to its component (weighted if soft)."""

    component: str
    hard: bool
    cost: int
    message: str
    courses: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    curricula: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()
    day: int | None = None
    period: int | None = None  # period within the day

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "hard": self.hard,
            "cost": self.cost,
            "message": self.message,
            "courses": list(self.courses),
            "rooms": list(self.rooms),
            "curricula": list(self.curricula),
            "teachers": list(self.teachers),
            "day": self.day,
            "period": self.period,
        }


@dataclass(frozen=True, slots=True)
class Component:
    """One line of the validator's summary: hard count or weighted soft cost."""

    name: str
    hard: bool
    weight: int
    value: int


@dataclass(frozen=True)
class Verification:
    formulation: str
    components: tuple[Component, ...]
    violations: tuple[Violation, ...]
    warnings: tuple[str, ...]
    hard_violations: int
    total_cost: int

    @property
    def feasible(self) -> bool:
        return self.hard_violations == 0

    @property
    def values(self) -> dict[str, int]:
        """Component name -> hard count or soft cost, in the validator's order."""
        return {c.name: c.value for c in self.components}

    def to_dict(self) -> dict[str, Any]:
        return {
            "formulation": self.formulation,
            "feasible": self.feasible,
            "hard_violations": self.hard_violations,
            "total_cost": self.total_cost,
            "components": [
                {"name": c.name, "hard": c.hard, "weight": c.weight, "value": c.value}
                for c in self.components
            ],
            # The same numbers keyed by name, split like the validator's summary.
            "hard": {c.name: c.value for c in self.components if c.hard},
            "soft": {c.name: c.value for c in self.components if not c.hard},
            "violations": [v.to_dict() for v in self.violations],
            "warnings": list(self.warnings),
        }

    def format_text(self, *, details: bool = False) -> str:
        """The validator's summary; with `details`, warnings and one line per violation first."""
        lines: list[str] = []
        if details:
            lines += [f"[W] {w}" for w in self.warnings]
            lines += [
                f"[H] {v.message}" if v.hard else f"[S({v.cost})] {v.message}"
                for v in self.violations
            ]
            lines.append("")
        for c in self.components:
            if c.hard:
                lines.append(f"Violations of {c.name} (hard) : {c.value}")
            else:
                lines.append(f"Cost of {c.name} (soft) : {c.value}")
        lines.append("")
        if self.hard_violations:
            summary = f"Violations = {self.hard_violations}, Total Cost = {self.total_cost}"
        else:
            summary = f"Total Cost = {self.total_cost}"
        lines.append(f"Summary: {summary}")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- per-problem index


@dataclass(frozen=True, slots=True)
class _Index:
    """Integer-indexed view of a Problem, built once and cached on it."""

    days: int
    ppd: int
    slots: int
    courses: tuple[Course, ...]
    rooms: tuple[Room, ...]
    course_ix: dict[str, int]
    room_ix: dict[str, int]
    curriculum_ids: tuple[str, ...]
    curricula_of: tuple[tuple[int, ...], ...]  # course -> curriculum indices
    conflicting: frozenset[int]  # a * n + b for a < b sharing a teacher or a curriculum
    unavailable: frozenset[int]  # course * slots + slot
    unsuitable: frozenset[int]  # course * rooms + room
    min_daily: int
    max_daily: int

    @classmethod
    def build(cls, problem: Problem) -> _Index:
        n = len(problem.courses)
        course_ix = {c.id: i for i, c in enumerate(problem.courses)}
        room_ix = {r.id: i for i, r in enumerate(problem.rooms)}
        slots = problem.days * problem.periods_per_day
        members = [
            sorted({course_ix[c] for c in q.courses if c in course_ix}) for q in problem.curricula
        ]
        curricula_of: list[list[int]] = [[] for _ in range(n)]
        for qi, courses in enumerate(members):
            for ci in courses:
                curricula_of[ci].append(qi)
        conflicting: set[int] = set()
        groups: list[list[int]] = list(members)
        by_teacher: dict[str, list[int]] = {}
        for ci, c in enumerate(problem.courses):
            by_teacher.setdefault(c.teacher, []).append(ci)
        groups += by_teacher.values()
        for group in groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    conflicting.add(min(a, b) * n + max(a, b))
        return cls(
            days=problem.days,
            ppd=problem.periods_per_day,
            slots=slots,
            courses=problem.courses,
            rooms=problem.rooms,
            course_ix=course_ix,
            room_ix=room_ix,
            curriculum_ids=tuple(q.id for q in problem.curricula),
            curricula_of=tuple(tuple(q) for q in curricula_of),
            conflicting=frozenset(conflicting),
            unavailable=frozenset(
                course_ix[c] * slots + d * problem.periods_per_day + p
                for c, d, p in problem.unavailability
                if c in course_ix
            ),
            unsuitable=frozenset(
                course_ix[c] * len(problem.rooms) + room_ix[r]
                for c, r in problem.room_constraints
                if c in course_ix and r in room_ix
            ),
            min_daily=problem.min_daily_lectures,
            max_daily=problem.max_daily_lectures,
        )

    def when(self, slot: int) -> str:
        day, period = divmod(slot, self.ppd)
        return f"{self.day_name(day)} period {period}"

    def day_name(self, day: int) -> str:
        return _DAY_NAMES[day] if self.days <= len(_DAY_NAMES) else f"day {day}"


_INDEX_ATTR = "_verifier_index"


def _index(problem: Problem) -> _Index:
    # Problem is frozen but keeps a __dict__ (like functools.cached_property uses), so the index
    # lives and dies with the problem object.
    cached = problem.__dict__.get(_INDEX_ATTR)
    if cached is None:
        cached = _Index.build(problem)
        problem.__dict__[_INDEX_ATTR] = cached
    return cached


# --------------------------------------------------------------------------- placed lectures


@dataclass(slots=True)
class _Timetable:
    """The accepted lectures, grouped the ways the measures need them."""

    ix: _Index
    lectures: list[tuple[int, int, int]]  # (course, room, slot)
    by_course: list[list[tuple[int, int]]]  # course -> (slot, room)
    by_slot: list[list[tuple[int, int]]]  # slot -> (course, room)
    warnings: list[str]
    _by_curriculum: list[dict[int, list[tuple[int, int]]]] | None = field(default=None)

    @classmethod
    def build(cls, ix: _Index, assignments: Iterable[Assignment]) -> _Timetable:
        lectures: list[tuple[int, int, int]] = []
        by_course: list[list[tuple[int, int]]] = [[] for _ in ix.courses]
        by_slot: list[list[tuple[int, int]]] = [[] for _ in range(ix.slots)]
        warnings: list[str] = []
        taken: set[int] = set()
        for n, a in enumerate(assignments, start=1):
            ci = ix.course_ix.get(a.course)
            ri = ix.room_ix.get(a.room)
            day, period = a.day, a.period
            if (
                ci is None
                or ri is None
                or type(day) is not int
                or type(period) is not int
                or not 0 <= day < ix.days
                or not 0 <= period < ix.ppd
            ):
                warnings.append(f"lecture {n} ({_line(a)}): {_rejection(ix, a)}, skipped")
                continue
            slot = day * ix.ppd + period
            key = ci * ix.slots + slot
            if key in taken:
                warnings.append(
                    f"lecture {n} ({_line(a)}): course {a.course} already has a lecture at "
                    f"{ix.when(slot)}, skipped"
                )
                continue
            taken.add(key)
            lectures.append((ci, ri, slot))
            by_course[ci].append((slot, ri))
            by_slot[slot].append((ci, ri))
        return cls(ix, lectures, by_course, by_slot, warnings)

    @property
    def by_curriculum(self) -> list[dict[int, list[tuple[int, int]]]]:
        """curriculum -> slot -> (course, room), built on first use."""
        if self._by_curriculum is None:
            table: list[dict[int, list[tuple[int, int]]]] = [{} for _ in self.ix.curriculum_ids]
            curricula_of = self.ix.curricula_of
            for ci, ri, slot in self.lectures:
                for qi in curricula_of[ci]:
                    table[qi].setdefault(slot, []).append((ci, ri))
            self._by_curriculum = table
        return self._by_curriculum


def _line(a: Assignment) -> str:
    return f"{a.course} {a.room} {a.day} {a.period}"


def _rejection(ix: _Index, a: Assignment) -> str:
    """Why a solution line is skipped, checked in the official validator's order."""
    if a.course not in ix.course_ix:
        return f"unknown course {a.course!r}"
    if a.room not in ix.room_ix:
        return f"unknown room {a.room!r}"
    if type(a.day) is not int or not 0 <= a.day < ix.days:
        return f"day {a.day!r} out of range 0..{ix.days - 1}"
    return f"period {a.period!r} out of range 0..{ix.ppd - 1}"


# --------------------------------------------------------------------------- measures
# Each returns the violations of one term, with weighted costs; a component's value is the sum.


def _v(term: Term, cost: int, message: str, **entities: Any) -> Violation:
    return Violation(term.component, term.hard, cost, message, **entities)


def _names(ix: _Index, pairs: Iterable[tuple[int, int]]) -> tuple[tuple[str, ...], ...]:
    items = sorted(pairs)
    return (
        tuple(ix.courses[ci].id for ci, _ in items),
        tuple(dict.fromkeys(ix.rooms[ri].id for _, ri in items)),
    )


def _lectures(tt: _Timetable, term: Term) -> list[Violation]:
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = tt.ix.courses[ci]
        diff = len(placed) - course.lectures
        if diff:
            kind = f"{-diff} missing" if diff < 0 else f"{diff} too many"
            out.append(
                _v(
                    term,
                    abs(diff) * term.weight,
                    f"Course {course.id} has {len(placed)} of its {course.lectures} lectures "
                    f"scheduled ({kind})",
                    courses=(course.id,),
                    teachers=(course.teacher,),
                )
            )
    return out


def _conflicts(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    n = len(ix.courses)
    out = []
    for slot, here in enumerate(tt.by_slot):
        if len(here) < 2:
            continue
        ordered = sorted(here)
        for i, (a, ra) in enumerate(ordered):
            for b, rb in ordered[i + 1 :]:
                if a * n + b not in ix.conflicting:
                    continue
                ca, cb = ix.courses[a], ix.courses[b]
                shared = tuple(
                    ix.curriculum_ids[q] for q in ix.curricula_of[a] if q in ix.curricula_of[b]
                )
                teachers = (ca.teacher,) if ca.teacher == cb.teacher else ()
                reasons = []
                if shared:
                    label = "curriculum" if len(shared) == 1 else "curricula"
                    reasons.append(f"share {label} {', '.join(shared)}")
                if teachers:
                    reasons.append(f"are both taught by {ca.teacher}")
                day, period = divmod(slot, ix.ppd)
                out.append(
                    _v(
                        term,
                        term.weight,
                        f"Courses {ca.id} and {cb.id} {' and '.join(reasons)} and both meet "
                        f"on {ix.when(slot)}",
                        courses=(ca.id, cb.id),
                        rooms=tuple(dict.fromkeys((ix.rooms[ra].id, ix.rooms[rb].id))),
                        curricula=shared,
                        teachers=teachers,
                        day=day,
                        period=period,
                    )
                )
    return out


def _availability(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, ri, slot in tt.lectures:
        if ci * ix.slots + slot in ix.unavailable:
            course = ix.courses[ci]
            day, period = divmod(slot, ix.ppd)
            out.append(
                _v(
                    term,
                    term.weight,
                    f"Course {course.id} has a lecture on {ix.when(slot)}, when it is unavailable",
                    courses=(course.id,),
                    rooms=(ix.rooms[ri].id,),
                    teachers=(course.teacher,),
                    day=day,
                    period=period,
                )
            )
    return out


def _room_occupation(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for slot, here in enumerate(tt.by_slot):
        if len(here) < 2:
            continue
        per_room: dict[int, list[int]] = {}
        for ci, ri in here:
            per_room.setdefault(ri, []).append(ci)
        for ri, courses in sorted(per_room.items()):
            if len(courses) < 2:
                continue
            names = tuple(ix.courses[ci].id for ci in sorted(courses))
            day, period = divmod(slot, ix.ppd)
            out.append(
                _v(
                    term,
                    (len(courses) - 1) * term.weight,
                    f"{len(courses)} lectures ({', '.join(names)}) share room {ix.rooms[ri].id} "
                    f"on {ix.when(slot)}",
                    courses=names,
                    rooms=(ix.rooms[ri].id,),
                    day=day,
                    period=period,
                )
            )
    return out


def _room_capacity(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, ri, slot in tt.lectures:
        course, room = ix.courses[ci], ix.rooms[ri]
        over = course.students - room.capacity
        if over > 0:
            day, period = divmod(slot, ix.ppd)
            out.append(
                _v(
                    term,
                    over * term.weight,
                    f"Room {room.id} seats {room.capacity} but course {course.id} has "
                    f"{course.students} students ({ix.when(slot)})",
                    courses=(course.id,),
                    rooms=(room.id,),
                    day=day,
                    period=period,
                )
            )
    return out


def _min_working_days(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = ix.courses[ci]
        days = len({slot // ix.ppd for slot, _ in placed})
        if days < course.min_working_days:
            out.append(
                _v(
                    term,
                    (course.min_working_days - days) * term.weight,
                    f"Course {course.id} meets on {days} days, fewer than its minimum of "
                    f"{course.min_working_days}",
                    courses=(course.id,),
                    teachers=(course.teacher,),
                )
            )
    return out


def _isolated_lectures(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    last = ix.ppd - 1
    out = []
    for qi, table in enumerate(tt.by_curriculum):
        for slot in sorted(table):
            period = slot % ix.ppd
            if (period > 0 and slot - 1 in table) or (period < last and slot + 1 in table):
                continue
            here = table[slot]
            courses, rooms = _names(ix, here)
            out.append(
                _v(
                    term,
                    len(here) * term.weight,
                    f"Curriculum {ix.curriculum_ids[qi]} has an isolated lecture "
                    f"({', '.join(courses)}) on {ix.when(slot)}",
                    courses=courses,
                    rooms=rooms,
                    curricula=(ix.curriculum_ids[qi],),
                    day=slot // ix.ppd,
                    period=period,
                )
            )
    return out


def _windows(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for qi, table in enumerate(tt.by_curriculum):
        per_day: dict[int, list[int]] = {}
        for slot in table:
            per_day.setdefault(slot // ix.ppd, []).append(slot % ix.ppd)
        for day in sorted(per_day):
            periods = per_day[day]
            gaps = max(periods) - min(periods) + 1 - len(periods)
            if gaps:
                label = "empty period" if gaps == 1 else "empty periods"
                out.append(
                    _v(
                        term,
                        gaps * term.weight,
                        f"Curriculum {ix.curriculum_ids[qi]} has {gaps} {label} between "
                        f"lectures on {ix.day_name(day)}",
                        curricula=(ix.curriculum_ids[qi],),
                        day=day,
                    )
                )
    return out


def _room_stability(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        rooms = sorted({ri for _, ri in placed})
        if len(rooms) > 1:
            course = ix.courses[ci]
            names = tuple(ix.rooms[ri].id for ri in rooms)
            out.append(
                _v(
                    term,
                    (len(rooms) - 1) * term.weight,
                    f"Course {course.id} uses {len(rooms)} rooms ({', '.join(names)})",
                    courses=(course.id,),
                    rooms=names,
                    teachers=(course.teacher,),
                )
            )
    return out


def _room_suitability(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    n_rooms = len(ix.rooms)
    out = []
    for ci, ri, slot in tt.lectures:
        if ci * n_rooms + ri in ix.unsuitable:
            course, room = ix.courses[ci], ix.rooms[ri]
            day, period = divmod(slot, ix.ppd)
            out.append(
                _v(
                    term,
                    term.weight,
                    f"Course {course.id} meets in room {room.id}, which is unsuitable for it "
                    f"({ix.when(slot)})",
                    courses=(course.id,),
                    rooms=(room.id,),
                    day=day,
                    period=period,
                )
            )
    return out


def _student_load(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for qi, table in enumerate(tt.by_curriculum):
        per_day: dict[int, int] = {}
        for slot, here in table.items():
            day = slot // ix.ppd
            per_day[day] = per_day.get(day, 0) + len(here)
        for day in sorted(per_day):
            count = per_day[day]
            if count < ix.min_daily:
                excess, bound = ix.min_daily - count, f"fewer than the minimum of {ix.min_daily}"
            elif ix.max_daily and count > ix.max_daily:
                excess, bound = count - ix.max_daily, f"more than the maximum of {ix.max_daily}"
            else:
                continue
            label = "lecture" if count == 1 else "lectures"
            out.append(
                _v(
                    term,
                    excess * term.weight,
                    f"Curriculum {ix.curriculum_ids[qi]} has {count} {label} on "
                    f"{ix.day_name(day)}, {bound}",
                    curricula=(ix.curriculum_ids[qi],),
                    day=day,
                )
            )
    return out


def _double_lectures(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = ix.courses[ci]
        if not course.double_lectures or len(placed) < 2:
            continue
        where = dict(placed)  # slot -> room
        per_day: dict[int, int] = {}
        for slot, _ in placed:
            per_day[slot // ix.ppd] = per_day.get(slot // ix.ppd, 0) + 1
        for slot, ri in sorted(placed):
            day, period = divmod(slot, ix.ppd)
            # A lone lecture on its day is fine: only days with two or more must be paired.
            if per_day[day] < 2:
                continue
            paired = (period > 0 and where.get(slot - 1) == ri) or (
                period < ix.ppd - 1 and where.get(slot + 1) == ri
            )
            if not paired:
                out.append(
                    _v(
                        term,
                        term.weight,
                        f"Course {course.id} has a lecture on {ix.when(slot)} that is not next "
                        "to another of its lectures that day in the same room",
                        courses=(course.id,),
                        rooms=(ix.rooms[ri].id,),
                        teachers=(course.teacher,),
                        day=day,
                        period=period,
                    )
                )
    return out


def _travel_distance(tt: _Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    last = ix.ppd - 1
    out = []
    for qi, table in enumerate(tt.by_curriculum):
        for slot in sorted(table):
            if slot % ix.ppd == last or slot + 1 not in table:
                continue
            for ca, ra in sorted(table[slot]):
                for cb, rb in sorted(table[slot + 1]):
                    room_a, room_b = ix.rooms[ra], ix.rooms[rb]
                    if room_a.site == room_b.site:
                        continue
                    day, period = divmod(slot, ix.ppd)
                    out.append(
                        _v(
                            term,
                            term.weight,
                            f"Curriculum {ix.curriculum_ids[qi]} moves from {room_a.id} "
                            f"(site {room_a.site}, {ix.courses[ca].id}) on {ix.when(slot)} to "
                            f"{room_b.id} (site {room_b.site}, {ix.courses[cb].id}) in the "
                            "next period",
                            courses=(ix.courses[ca].id, ix.courses[cb].id),
                            rooms=(room_a.id, room_b.id),
                            curricula=(ix.curriculum_ids[qi],),
                            day=day,
                            period=period,
                        )
                    )
    return out


_MEASURES: dict[Measure, Callable[[_Timetable, Term], list[Violation]]] = {
    Measure.LECTURES: _lectures,
    Measure.CONFLICTS: _conflicts,
    Measure.AVAILABILITY: _availability,
    Measure.ROOM_OCCUPATION: _room_occupation,
    Measure.ROOM_CAPACITY: _room_capacity,
    Measure.MIN_WORKING_DAYS: _min_working_days,
    Measure.ISOLATED_LECTURES: _isolated_lectures,
    Measure.WINDOWS: _windows,
    Measure.ROOM_STABILITY: _room_stability,
    Measure.ROOM_SUITABILITY: _room_suitability,
    Measure.STUDENT_LOAD: _student_load,
    Measure.DOUBLE_LECTURES: _double_lectures,
    Measure.TRAVEL_DISTANCE: _travel_distance,
}


def verify(
    problem: Problem, assignments: Iterable[Assignment], formulation: str = "UD2"
) -> Verification:
    """Score `assignments` against `problem` under `formulation` (UD1..UD5 or ITC)."""
    terms = formulation_terms(formulation)
    tt = _Timetable.build(_index(problem), assignments)
    components: list[Component] = []
    violations: list[Violation] = []
    for term in terms:
        found = _MEASURES[term.measure](tt, term)
        components.append(
            Component(term.component, term.hard, term.weight, sum(v.cost for v in found))
        )
        violations += found
    return Verification(
        formulation=formulation.upper(),
        components=tuple(components),
        violations=tuple(violations),
        warnings=tuple(tt.warnings),
        hard_violations=sum(c.value for c in components if c.hard),
        total_cost=sum(c.value for c in components if not c.hard),
    )
