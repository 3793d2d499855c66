"""Plain-language explanations of why a timetabling problem (with pins) has no solution.

`quick_checks` runs necessary conditions in milliseconds before any search; `core_reasons`
asks CP-SAT, through one enabling literal per course and per pin, for a small set of courses
and pins that cannot all be satisfied together, then shrinks it by deletion.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from ortools.sat.python import cp_model

from .generator_model import Compiled, build_period_model


@dataclass(frozen=True)
class Reason:
    """One reason the problem is infeasible: a sentence plus the entities involved."""

    code: str
    message: str
    courses: tuple[str, ...] = ()
    curricula: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    pins: tuple[int, ...] = ()  # indexes into the pins given to solve()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Infeasible:
    """Structured explanation returned with status "infeasible"."""

    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    proven: bool = True  # False: the search gave up without finding a timetable

    def to_dict(self) -> dict:
        return {"proven": self.proven, "reasons": [r.to_dict() for r in self.reasons]}

    def format_text(self) -> str:
        return "\n".join(f"- {r.message}" for r in self.reasons)


PinIdx = tuple[int, int, int | None]  # (course, period, room or None)


def quick_checks(comp: Compiled, pins: Sequence[PinIdx]) -> list[Reason]:
    """Necessary conditions; each failure is a certain reason for infeasibility."""
    reasons: list[Reason] = []
    cid, rid, T = comp.course_ids, comp.room_ids, comp.T

    def slot(t: int) -> str:
        return f"day {t // comp.P} period {t % comp.P}"

    avail = [set(range(T)) - comp.unavailable[c] for c in range(comp.C)]
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
    if total > T * comp.R:
        reasons.append(
            Reason(
                "rooms_total",
                f"There are {total} lectures but only {comp.R} rooms x {T} periods = "
                f"{comp.R * T} room slots.",
            )
        )
    # pins
    per_course: dict[int, list[int]] = {}
    by_slot: dict[tuple[int, int], int] = {}
    by_t: dict[int, list[int]] = {}
    for i, (c, t, r) in enumerate(pins):
        per_course.setdefault(c, []).append(i)
        by_t.setdefault(t, []).append(i)
        if t in comp.unavailable[c]:
            reasons.append(
                Reason(
                    "pin_unavailable",
                    f"Pin {i} puts course {cid[c]} at {slot(t)}, where it is unavailable.",
                    courses=(cid[c],),
                    pins=(i,),
                )
            )
        if r is not None and comp.suit_hard and r in comp.unsuitable[c]:
            reasons.append(
                Reason(
                    "pin_room_unsuitable",
                    f"Pin {i} puts course {cid[c]} in room {rid[r]}, which it may not use.",
                    courses=(cid[c],),
                    rooms=(rid[r],),
                    pins=(i,),
                )
            )
        if r is not None:
            j = by_slot.get((t, r))
            if j is not None:
                reasons.append(
                    Reason(
                        "pin_room_clash",
                        f"Pins {j} and {i} both use room {rid[r]} at {slot(t)}.",
                        courses=tuple(dict.fromkeys((cid[pins[j][0]], cid[c]))),
                        rooms=(rid[r],),
                        pins=(j, i),
                    )
                )
            else:
                by_slot[(t, r)] = i
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
    for t, idx in by_t.items():
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                ca, cb = pins[idx[a]][0], pins[idx[b]][0]
                if ca != cb and cb in comp.neighbours[ca]:
                    why = _conflict_why(comp, ca, cb)
                    reasons.append(
                        Reason(
                            "pin_conflict",
                            f"Pins {idx[a]} and {idx[b]} put courses {cid[ca]} and {cid[cb]} at "
                            f"{slot(t)}, but they {why}.",
                            courses=(cid[ca], cid[cb]),
                            pins=(idx[a], idx[b]),
                        )
                    )
        if len({pins[i][0] for i in idx}) > comp.R:
            reasons.append(
                Reason(
                    "pin_rooms",
                    f"{len(idx)} lectures are pinned at {slot(t)} but there are only "
                    f"{comp.R} rooms.",
                    pins=tuple(idx),
                )
            )
    return reasons


def _conflict_why(comp: Compiled, a: int, b: int) -> str:
    shared = [comp.curriculum_ids[q] for q in comp.course_curricula[a] if b in comp.curricula[q]]
    if shared:
        return f"share curriculum {shared[0]}"
    return f"have the same teacher {comp.teacher[a]}"


def core_reasons(
    comp: Compiled, pins: Sequence[PinIdx], *, time_limit: float = 10.0, workers: int = 2
) -> list[Reason] | None:
    """Find a small set of courses and pins that cannot be scheduled together.

    Returns None when CP-SAT cannot decide within the time limit; [] if the periods-only
    relaxation is in fact feasible (the obstacle is then in the rooms)."""
    deadline = time.monotonic() + time_limit
    pm = build_period_model(comp, pins=pins, objective=False, assumptions=True)
    keys = list(pm.enable)

    def infeasible_with(active: list[str]) -> bool | None:
        m = pm.model
        m.clear_assumptions()
        m.add_assumptions([pm.enable[k] for k in active])
        s = cp_model.CpSolver()
        s.parameters.max_time_in_seconds = max(0.1, min(5.0, deadline - time.monotonic()))
        s.parameters.num_workers = 1 if len(active) < len(keys) else max(1, workers)
        st = s.solve(m)
        if st == cp_model.INFEASIBLE:
            core = [
                k
                for k in active
                if pm.enable[k].index in set(s.sufficient_assumptions_for_infeasibility())
            ]
            infeasible_with.last_core = core or active  # type: ignore[attr-defined]
            return True
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        return None

    res = infeasible_with(keys)
    if res is None:
        return None
    if res is False:
        return []
    core = list(infeasible_with.last_core)  # type: ignore[attr-defined]
    # shrink by deletion while time allows
    i = 0
    while i < len(core) and time.monotonic() < deadline:
        trial = core[:i] + core[i + 1 :]
        r = infeasible_with(trial)
        if r is True:
            core = [k for k in trial if k in set(infeasible_with.last_core)]  # type: ignore[attr-defined]
        else:
            i += 1
    courses = [k.split(":", 1)[1] for k in core if k.startswith("course:")]
    pin_ids = [int(k.split(":", 1)[1]) for k in core if k.startswith("pin:")]
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
    msg = (
        "These cannot all be scheduled together (hard constraints: unavailability, "
        "curriculum and teacher conflicts, room count): " + "; ".join(parts) + "."
    )
    return [
        Reason(
            "conflict_core",
            msg,
            courses=tuple(courses),
            curricula=tuple(comp.curriculum_ids[q] for q in sorted(shared_q)),
            teachers=tuple(teachers),
            pins=tuple(pin_ids),
        )
    ]
