"""The periods-only relaxation: rooms become counts per period.

It places every lecture in a period under the hard constraints (rooms only as "at most |rooms|
lectures per period", and as many for the courses confined to a set of rooms) with the
minimum-working-days, isolated-lecture, windows and student-load terms and a capacity lower
bound. As a relaxation of
the full problem, its proven bound is a lower bound of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import penalties
from .indexed_problem import IndexedProblem, State
from .objective import BaseLectures
from .penalties import LectureVars
from .sub_model import FreeCourse

PinIndex = tuple[int, int, int | None]  # (course, flat period, room index or None)


@dataclass
class PeriodModel:
    model: cp_model.CpModel
    x: LectureVars
    enable: dict[str, cp_model.IntVar]  # assumption literals: "course:<id>", "pin:<n>"


def build_period_model(
    comp: IndexedProblem,
    *,
    pins: Sequence[PinIndex] = (),
    base: BaseLectures = frozenset(),
    min_change_weight: int = 0,
    objective: bool = True,
    assumptions: bool = False,
) -> PeriodModel:
    """Periods-only relaxation; with `assumptions=True`, each course's lecture count and each
    pin is enforced only through an enabling literal (`enable[...]`), for infeasibility cores."""
    m = cp_model.CpModel()
    enable: dict[str, cp_model.IntVar] = {}
    x = _lecture_vars(m, comp, pins, enable, assumptions)
    for i, (c, t, _r) in enumerate(pins):
        if assumptions:
            e = m.new_bool_var(f"enable_pin[{i}]")
            enable[f"pin:{i}"] = e
            m.add(x[c, t] == 1).only_enforce_if(e)
        else:
            m.add(x[c, t] == 1)
    for g in comp.groups:
        for t in range(comp.T):
            vs = [x[c, t] for c in g if (c, t) in x]
            if len(vs) > 1:
                m.add_at_most_one(vs)
    for t in range(comp.T):
        vs = [x[c, t] for c in range(comp.C) if (c, t) in x]
        if len(vs) > comp.R:
            m.add(sum(vs) <= comp.R)
        for rooms, courses in comp.room_groups:  # courses confined to a few rooms
            vs = [x[c, t] for c in courses if (c, t) in x]
            if len(vs) > len(rooms):
                m.add(sum(vs) <= len(rooms))
    if objective:
        _minimise(m, comp, x, base, min_change_weight)
    return PeriodModel(m, x, enable)


def _lecture_vars(
    m: cp_model.CpModel,
    comp: IndexedProblem,
    pins: Sequence[PinIndex],
    enable: dict[str, cp_model.IntVar],
    assumptions: bool,
) -> LectureVars:
    """One variable per course and available (or pinned) period; each course its lectures."""
    cid = comp.course_ids
    x: LectureVars = {}
    pinned_t = {(c, t) for c, t, _ in pins}
    for c in range(comp.C):
        for t in range(comp.T):
            if t in comp.unavailable[c] and (c, t) not in pinned_t:
                continue
            x[c, t] = m.new_bool_var(f"lecture[{cid[c]},{comp.tname(t)}]")
        vs = [x[c, t] for t in range(comp.T) if (c, t) in x]
        if assumptions:
            e = m.new_bool_var(f"enable_course[{cid[c]}]")
            enable[f"course:{cid[c]}"] = e
            m.add(sum(vs) == comp.lectures[c]).only_enforce_if(e)
            for t in comp.unavailable[c]:
                if (c, t) in x:
                    m.add(x[c, t] == 0).only_enforce_if(e)
        else:
            m.add(sum(vs) == comp.lectures[c])
    return x


def _minimise(
    m: cp_model.CpModel,
    comp: IndexedProblem,
    x: LectureVars,
    base: BaseLectures,
    min_change_weight: int,
) -> None:
    free = {
        c: FreeCourse([t for t in range(comp.T) if (c, t) in x], comp.lectures[c])
        for c in range(comp.C)
    }
    empty: State = [[] for _ in range(comp.C)]
    terms = penalties.min_days_terms(m, comp, x, free, empty)
    terms += penalties.isolated_terms(m, comp, x, free, empty)
    terms += penalties.curriculum_day_terms(m, comp, x, free, empty)
    terms += penalties.capacity_relaxation_terms(m, comp, x)
    if base and min_change_weight:
        for c, t in {(c, t) for c, t, _ in base}:
            if (c, t) in x:
                terms.append(-min_change_weight * x[c, t])
    if terms:
        m.minimize(sum(terms))
