"""Plain-language explanations of why a timetabling problem (with pins) has no solution.

`quick_checks` tests necessary conditions in milliseconds before any search; `core_reasons`
asks CP-SAT, through one enabling literal per course and per pin, for a small set of courses
and pins that cannot all be satisfied together, then shrinks it by deletion.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from .indexed_problem import IndexedProblem
from .period_model import PinIndex, build_period_model
from .results import Reason


def quick_checks(comp: IndexedProblem, pins: Sequence[PinIndex]) -> list[Reason]:
    """Necessary conditions; each failure is a certain reason for infeasibility."""
    avail = [set(range(comp.T)) - comp.unavailable[c] for c in range(comp.C)]
    reasons = _course_checks(comp, avail)
    reasons += _group_checks(comp, avail)
    reasons += _room_checks(comp, avail)
    reasons += _pin_checks(comp, pins)
    return reasons


def _slot(comp: IndexedProblem, t: int) -> str:
    return f"day {t // comp.P} period {t % comp.P}"


def _course_checks(comp: IndexedProblem, avail: list[set[int]]) -> list[Reason]:
    reasons = []
    cid = comp.course_ids
    for c in range(comp.C):
        if comp.lectures[c] > len(avail[c]):
            reasons.append(
                Reason(
                    "course_periods",
                    f"Course {cid[c]} needs {comp.lectures[c]} lectures but is available in "
                    f"only {len(avail[c])} periods.",
                    courses=(cid[c],),
                )
            )
        if not comp.room_allowed[c]:
            reasons.append(
                Reason("course_rooms", f"Course {cid[c]} has no suitable room.", courses=(cid[c],))
            )
    return reasons


def _group_checks(comp: IndexedProblem, avail: list[set[int]]) -> list[Reason]:
    """Curricula and teachers with more lectures than their courses' distinct periods; more
    lectures than room slots."""
    reasons = []
    cid = comp.course_ids
    for qi, members in enumerate(comp.curricula):
        need = sum(comp.lectures[c] for c in members)
        usable = set().union(*(avail[c] for c in members)) if members else set()
        if need > len(usable):
            reasons.append(
                Reason(
                    "curriculum_periods",
                    f"Curriculum {comp.curriculum_ids[qi]} needs {need} lectures in distinct "
                    f"periods but its courses can use only {len(usable)} periods.",
                    courses=tuple(cid[c] for c in members),
                    curricula=(comp.curriculum_ids[qi],),
                )
            )
    for teacher, members in comp.teacher_groups.items():
        need = sum(comp.lectures[c] for c in members)
        usable = set().union(*(avail[c] for c in members))
        if need > len(usable):
            reasons.append(
                Reason(
                    "teacher_periods",
                    f"Teacher {teacher} has {need} lectures but their courses can use only "
                    f"{len(usable)} periods.",
                    courses=tuple(cid[c] for c in members),
                    teachers=(teacher,),
                )
            )
    total = sum(comp.lectures)
    if total > comp.T * comp.R:
        reasons.append(
            Reason(
                "rooms_total",
                f"There are {total} lectures but only {comp.R} rooms x {comp.T} periods = "
                f"{comp.R * comp.T} room slots.",
            )
        )
    return reasons


def _room_checks(comp: IndexedProblem, avail: list[set[int]]) -> list[Reason]:
    """Courses confined to a few rooms (hard room constraints) that need more lectures than
    those rooms can hold in the periods the courses are available, one lecture of a course per
    period."""
    reasons = []
    for rooms, courses in comp.room_groups:
        if not rooms or len(courses) < 2:
            continue  # no room at all is the course check's; one course is the period check's
        need = sum(comp.lectures[c] for c in courses)
        hold = sum(min(len(rooms), sum(1 for c in courses if t in avail[c])) for t in range(comp.T))
        if need > hold:
            names = ", ".join(comp.course_ids[c] for c in courses)
            room_names = ", ".join(comp.room_ids[r] for r in rooms)
            reasons.append(
                Reason(
                    "room_shortage",
                    f"Courses {names} may use only rooms {room_names}: together they need "
                    f"{need} lectures, but those rooms can hold at most {hold} of them in the "
                    "periods these courses are available.",
                    courses=tuple(comp.course_ids[c] for c in courses),
                    rooms=tuple(comp.room_ids[r] for r in rooms),
                )
            )
    return reasons


def _pin_checks(comp: IndexedProblem, pins: Sequence[PinIndex]) -> list[Reason]:
    reasons = _pin_place_checks(comp, pins)
    per_course: dict[int, list[int]] = {}
    by_t: dict[int, list[int]] = {}
    for i, (c, t, _r) in enumerate(pins):
        per_course.setdefault(c, []).append(i)
        by_t.setdefault(t, []).append(i)
    reasons += _pins_per_course(comp, pins, per_course)
    reasons += _pins_per_period(comp, pins, by_t)
    return reasons


def _pin_place_checks(comp: IndexedProblem, pins: Sequence[PinIndex]) -> list[Reason]:
    """Each pin on its own: an unavailable period, an unsuitable room, a room taken twice."""
    reasons = []
    cid, rid = comp.course_ids, comp.room_ids
    by_slot: dict[tuple[int, int], int] = {}
    for i, (c, t, r) in enumerate(pins):
        if t in comp.unavailable[c]:
            reasons.append(
                Reason(
                    "pin_unavailable",
                    f"Pin {i} puts course {cid[c]} at {_slot(comp, t)}, where it is unavailable.",
                    courses=(cid[c],),
                    pins=(i,),
                )
            )
        if r is None:
            continue
        if comp.suit_hard and r in comp.unsuitable[c]:
            reasons.append(
                Reason(
                    "pin_room_unsuitable",
                    f"Pin {i} puts course {cid[c]} in room {rid[r]}, which it may not use.",
                    courses=(cid[c],),
                    rooms=(rid[r],),
                    pins=(i,),
                )
            )
        j = by_slot.setdefault((t, r), i)
        if j != i:
            reasons.append(
                Reason(
                    "pin_room_clash",
                    f"Pins {j} and {i} both use room {rid[r]} at {_slot(comp, t)}.",
                    courses=tuple(dict.fromkeys((cid[pins[j][0]], cid[c]))),
                    rooms=(rid[r],),
                    pins=(j, i),
                )
            )
    return reasons


def _pins_per_course(
    comp: IndexedProblem, pins: Sequence[PinIndex], per_course: dict[int, list[int]]
) -> list[Reason]:
    reasons = []
    cid = comp.course_ids
    for c, idx in per_course.items():
        ts = [pins[i][1] for i in idx]
        if len(set(ts)) < len(ts):
            reasons.append(
                Reason(
                    "pin_duplicate",
                    f"Course {cid[c]} is pinned twice in the same period.",
                    courses=(cid[c],),
                    pins=tuple(idx),
                )
            )
        if len(set(ts)) > comp.lectures[c]:
            reasons.append(
                Reason(
                    "pin_too_many",
                    f"Course {cid[c]} has {len(set(ts))} pinned lectures but only "
                    f"{comp.lectures[c]} lectures.",
                    courses=(cid[c],),
                    pins=tuple(idx),
                )
            )
    return reasons


def _pins_per_period(
    comp: IndexedProblem, pins: Sequence[PinIndex], by_t: dict[int, list[int]]
) -> list[Reason]:
    """Pins of conflicting courses in one period; more pinned lectures than rooms."""
    reasons = []
    cid = comp.course_ids
    for t, idx in by_t.items():
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                ca, cb = pins[idx[a]][0], pins[idx[b]][0]
                if ca != cb and cb in comp.neighbours[ca]:
                    reasons.append(
                        Reason(
                            "pin_conflict",
                            f"Pins {idx[a]} and {idx[b]} put courses {cid[ca]} and {cid[cb]} at "
                            f"{_slot(comp, t)}, but they {_conflict_why(comp, ca, cb)}.",
                            courses=(cid[ca], cid[cb]),
                            pins=(idx[a], idx[b]),
                        )
                    )
        if len({pins[i][0] for i in idx}) > comp.R:
            reasons.append(
                Reason(
                    "pin_rooms",
                    f"{len(idx)} lectures are pinned at {_slot(comp, t)} but there are only "
                    f"{comp.R} rooms.",
                    pins=tuple(idx),
                )
            )
    return reasons


def _conflict_why(comp: IndexedProblem, a: int, b: int) -> str:
    shared = [comp.curriculum_ids[q] for q in comp.course_curricula[a] if b in comp.curricula[q]]
    if shared:
        return f"share curriculum {shared[0]}"
    return f"have the same teacher {comp.teacher[a]}"


class _CoreSearch:
    """Solves the periods model with a subset of its assumption literals enabled."""

    def __init__(
        self, comp: IndexedProblem, pins: Sequence[PinIndex], deadline: float, workers: int
    ):
        self.pm = build_period_model(comp, pins=pins, objective=False, assumptions=True)
        self.keys = list(self.pm.enable)
        self.deadline = deadline
        self.workers = workers
        self.last_core: list[str] = []

    def infeasible_with(self, active: list[str]) -> bool | None:
        """True (and `last_core` set) if infeasible, False if feasible, None if undecided."""
        m = self.pm.model
        m.clear_assumptions()
        m.add_assumptions([self.pm.enable[k] for k in active])
        s = cp_model.CpSolver()
        s.parameters.max_time_in_seconds = max(0.1, min(5.0, self.deadline - time.monotonic()))
        s.parameters.num_workers = 1 if len(active) < len(self.keys) else max(1, self.workers)
        status = s.solve(m)
        if status == cp_model.INFEASIBLE:
            core = set(s.sufficient_assumptions_for_infeasibility())
            self.last_core = [k for k in active if self.pm.enable[k].index in core] or active
            return True
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        return None

    def shrink(self, core: list[str]) -> list[str]:
        """Drop literals one by one while the rest stays infeasible (and time allows)."""
        i = 0
        while i < len(core) and time.monotonic() < self.deadline:
            trial = core[:i] + core[i + 1 :]
            if self.infeasible_with(trial) is True:
                core = [k for k in trial if k in set(self.last_core)]
            else:
                i += 1
        return core


def core_reasons(
    comp: IndexedProblem, pins: Sequence[PinIndex], *, time_limit: float = 10.0, workers: int = 2
) -> list[Reason] | None:
    """Find a small set of courses and pins that cannot be scheduled together.

    Returns None when CP-SAT cannot decide within the time limit; [] if the periods-only
    relaxation is in fact feasible (the obstacle is then in the rooms)."""
    search = _CoreSearch(comp, pins, time.monotonic() + time_limit, workers)
    res = search.infeasible_with(search.keys)
    if res is None:
        return None
    if res is False:
        return []
    core = search.shrink(list(search.last_core))
    courses = [k.split(":", 1)[1] for k in core if k.startswith("course:")]
    pin_ids = [int(k.split(":", 1)[1]) for k in core if k.startswith("pin:")]
    return [_core_reason(comp, courses, pin_ids)]


def _core_reason(comp: IndexedProblem, courses: list[str], pin_ids: list[int]) -> Reason:
    parts = []
    if courses:
        parts.append("courses " + ", ".join(courses))
    if pin_ids:
        parts.append("pins " + ", ".join(str(i) for i in pin_ids))
    shared_q = (
        set.intersection(*(set(comp.course_curricula[comp.cidx[c]]) for c in courses))
        if courses
        else set()
    )
    teachers = sorted({comp.teacher[comp.cidx[c]] for c in courses})
    allowed = [comp.room_allowed[comp.cidx[c]] for c in courses]
    confined = sorted({r for rooms in allowed if len(rooms) < comp.R for r in rooms})
    if confined:
        parts.append("the rooms they may use, " + ", ".join(comp.room_ids[r] for r in confined))
    message = (
        "These cannot all be scheduled together (hard constraints: unavailability, "
        "curriculum and teacher conflicts, room count, room constraints): " + "; ".join(parts) + "."
    )
    return Reason(
        "conflict_core",
        message,
        courses=tuple(courses),
        curricula=tuple(comp.curriculum_ids[q] for q in sorted(shared_q)),
        teachers=tuple(teachers),
        rooms=tuple(comp.room_ids[r] for r in confined),
        pins=tuple(pin_ids),
    )
