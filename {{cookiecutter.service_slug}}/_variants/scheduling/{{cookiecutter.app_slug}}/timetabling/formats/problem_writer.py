"""Writing problems as `.ctt` or `.ectt` text."""

from __future__ import annotations

from ..model import Problem
from .text import check_token


def format_problem(problem: Problem, *, extended: bool | None = None) -> str:
    """Write `problem` as `.ectt` (extended) or `.ctt`; `None` keeps the problem's own format.

    Raises ValueError for data the format cannot carry (ids with blanks, a multi-line name).
    """
    if extended is None:
        extended = problem.extended
    if not problem.name.strip() or "\n" in problem.name or "\r" in problem.name:
        raise ValueError(f"problem name {problem.name!r} cannot be written: one non-blank line")
    for c in problem.courses:
        check_token("course id", c.id)
        check_token("teacher id", c.teacher)
    for r in problem.rooms:
        check_token("room id", r.id)
    for q in problem.curricula:
        check_token("curriculum id", q.id)
    order = {c.id: i for i, c in enumerate(problem.courses)}
    room_order = {r.id: i for i, r in enumerate(problem.rooms)}
    out = [
        f"Name: {problem.name}",
        f"Courses: {len(problem.courses)}",
        f"Rooms: {len(problem.rooms)}",
        f"Days: {problem.days}",
        f"Periods_per_day: {problem.periods_per_day}",
        f"Curricula: {len(problem.curricula)}",
    ]
    if extended:
        out += [
            f"Min_Max_Daily_Lectures: {problem.min_daily_lectures} {problem.max_daily_lectures}",
            f"UnavailabilityConstraints: {len(problem.unavailability)}",
            f"RoomConstraints: {len(problem.room_constraints)}",
        ]
    else:
        out.append(f"Constraints: {len(problem.unavailability)}")

    out += ["", "COURSES:"]
    for c in problem.courses:
        line = f"{c.id} {c.teacher} {c.lectures} {c.min_working_days} {c.students}"
        out.append(f"{line} {int(c.double_lectures)}" if extended else line)
    out += ["", "ROOMS:"]
    for r in problem.rooms:
        out.append(f"{r.id} {r.capacity} {r.site}" if extended else f"{r.id} {r.capacity}")
    out += ["", "CURRICULA:"]
    for q in problem.curricula:
        out.append(" ".join([q.id, str(len(q.courses)), *q.courses]))
    out += ["", "UNAVAILABILITY_CONSTRAINTS:"]
    for cid, day, period in sorted(
        problem.unavailability, key=lambda u: (order.get(u[0], len(order)), u)
    ):
        out.append(f"{cid} {day} {period}")
    if extended:
        out += ["", "ROOM_CONSTRAINTS:"]
        for cid, rid in sorted(
            problem.room_constraints,
            key=lambda rc: (order.get(rc[0], len(order)), room_order.get(rc[1], 0), rc),
        ):
            out.append(f"{cid} {rid}")
    out += ["", "END.", ""]
    return "\n".join(out)
