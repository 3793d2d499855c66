"""Benchmark of the generator on ITC-2007 track-3 instances (UD2), with published references.

`run_benchmark` solves each instance with a fixed budget and records whether a timetable was
found, the time to the first feasible timetable, the verifier's cost at the end of the budget,
the best-known cost, the ITC-2007 winner's cost and the gap to the best known.
`run_min_change` measures the minimal-change mode: solve, break the timetable by moving one
course's lectures onto the periods of conflicting courses, re-solve from the broken timetable
with `min_change_weight`, and count the lectures moved.

Instances are read from paths given by the caller; no data is shipped beyond the small
examples in the package's `data/` directory.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ..formats import read_problem
from ..generator import solve, warm_up
from ..model import Assignment, Problem
from ..verifier import verify

# Published UD2 results (lower is better): (best known, ITC-2007 winner, CP+LNS with Gecode).
# Best known and CP+LNS: the "Best" and median-at-5-minutes columns of T. Urli, "Hybrid CP+LNS
# for the Curriculum-Based Course Timetabling Problem" (c. 2013/14); best known is an upper
# bound on today's record. Winner: T. Mueller, "ITC2007 Solver Description", the finalists'
# results as re-run by the organisers (best of 10 runs).
REFERENCE: dict[str, tuple[int, int, float]] = {
    "comp01": (5, 5, 6.0),
    "comp02": (24, 51, 219.5),
    "comp03": (66, 84, 226.0),
    "comp04": (35, 37, 92.0),
    "comp05": (290, 330, 931.5),
    "comp06": (27, 48, 174.0),
    "comp07": (6, 20, 156.5),
    "comp08": (37, 41, 162.5),
    "comp09": (96, 109, 216.0),
    "comp10": (4, 16, 137.5),
    "comp11": (0, 0, 0.0),
    "comp12": (300, 333, 716.0),
    "comp13": (59, 66, 152.0),
    "comp14": (51, 59, 131.0),
    "comp15": (66, 84, 226.5),
    "comp16": (18, 34, 124.5),
    "comp17": (56, 83, 198.5),
    "comp18": (62, 83, 144.5),
    "comp19": (57, 62, 199.0),
    "comp20": (4, 27, 185.0),
    "comp21": (75, 103, 257.5),
}


@dataclass
class BenchRow:
    instance: str
    feasible: bool
    first_feasible_s: float | None
    cost: int | None
    best_known: int | None
    winner: int | None
    gap_pct: float | None  # 100 * (cost - best) / best; 0 when both are 0
    status: str
    elapsed_s: float
    iterations: int
    moves: int = 0  # annealing moves tried
    moves_per_s: int = 0  # annealing moves per second, over all chains


def _gap(cost: int | None, best: int | None) -> float | None:
    if cost is None or best is None:
        return None
    if best == 0:
        return 0.0 if cost == 0 else None
    return round(100.0 * (cost - best) / best, 1)


def instance_key(path: str | Path) -> str:
    return Path(path).stem


def run_benchmark(
    paths: Sequence[str | Path],
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    formulation: str = "UD2",
    on_row: Callable[[BenchRow], None] | None = None,
) -> list[BenchRow]:
    warm_up()  # compile the annealing kernel once, outside the timed runs
    rows = []
    for path in paths:
        problem = read_problem(path)
        res = solve(
            problem, formulation=formulation, time_limit=time_limit, workers=workers, seed=seed
        )
        key = instance_key(path)
        best, winner, _ = REFERENCE.get(key, (None, None, None))
        if formulation not in ("UD2", "ITC"):
            best = winner = None
        cost = None
        if res.assignments:
            v = verify(problem, res.assignments, formulation)
            assert v.hard_violations == 0
            cost = v.total_cost
        row = BenchRow(
            key,
            bool(res.assignments),
            res.first_feasible_seconds,
            cost,
            best,
            winner,
            _gap(cost, best),
            res.status,
            res.elapsed,
            res.iterations,
            res.moves,
            round(res.moves / res.anneal_seconds) if res.anneal_seconds else 0,
        )
        rows.append(row)
        if on_row:
            on_row(row)
    return rows


def summary(rows: Sequence[BenchRow]) -> dict[str, object]:
    ff = [r.first_feasible_s for r in rows if r.first_feasible_s is not None]
    gaps = [r.gap_pct for r in rows if r.gap_pct is not None]
    with_ref = [r for r in rows if r.winner is not None and r.cost is not None]
    return {
        "instances": len(rows),
        "feasible": sum(r.feasible for r in rows),
        "median_first_feasible_s": round(statistics.median(ff), 2) if ff else None,
        "total_cost": sum(r.cost for r in rows if r.cost is not None),
        "total_best_known": sum(r.best_known for r in with_ref if r.best_known is not None),
        "total_winner": sum(r.winner for r in with_ref if r.winner is not None),
        "at_or_below_winner": sum(
            1
            for r in with_ref
            if r.cost is not None and r.winner is not None and r.cost <= r.winner
        ),
        "median_gap_pct": round(statistics.median(gaps), 1) if gaps else None,
    }


def write_csv(rows: Sequence[BenchRow] | Sequence[MinChangeRow], path: str | Path) -> None:
    """One line per row (benchmark or minimal-change rows), a header of the row's fields."""
    fields = list(type(rows[0]).__dataclass_fields__) if rows else []
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow(asdict(r))


def _fmt(v: object) -> str:
    return "-" if v is None else str(v)


def markdown(rows: Sequence[BenchRow], *, title: str = "", note: str = "") -> str:
    out = []
    if title:
        out += [f"### {title}", ""]
    if note:
        out += [note, ""]
    out.append(
        "| inst | feasible | first feasible (s) | cost | best known | ITC-2007 winner | "
        "gap to best (%) | ≤ winner |"
    )
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        le = "-" if r.winner is None or r.cost is None else ("yes" if r.cost <= r.winner else "no")
        out.append(
            f"| {r.instance} | {'yes' if r.feasible else 'no'} | {_fmt(r.first_feasible_s)} | "
            f"{_fmt(r.cost)} | {_fmt(r.best_known)} | {_fmt(r.winner)} | {_fmt(r.gap_pct)} | "
            f"{le} |"
        )
    s = summary(rows)
    out += [
        "",
        f"Feasible: {s['feasible']} of {s['instances']}; median time to first feasible: "
        f"{_fmt(s['median_first_feasible_s'])} s; total cost: {s['total_cost']} "
        f"(best known {s['total_best_known']}, winner {s['total_winner']}); at or below the "
        f"winner: {s['at_or_below_winner']}; median gap to best known: "
        f"{_fmt(s['median_gap_pct'])} %.",
    ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------ minimal change
@dataclass
class MinChangeRow:
    instance: str
    course: str
    displaced: int  # lectures of `course` moved onto conflicting periods
    broken_hard_violations: int
    moved: int | None  # base lectures not kept by the re-solve
    cost_before: int
    cost_after: int | None
    elapsed_s: float


def perturb(
    problem: Problem, assignments: Sequence[Assignment], *, fewest: bool = False
) -> tuple[str, list[Assignment]]:
    """Move every lecture of one course onto a period used by a course it conflicts with (the
    course with most lectures that has conflicting neighbours, or with fewest when `fewest`;
    ties by id)."""
    by_course: dict[str, list[Assignment]] = {}
    for a in assignments:
        by_course.setdefault(a.course, []).append(a)
    teacher = {c.id: c.teacher for c in problem.courses}
    cur_of = problem.curricula_of_course

    def conflicts(a: str, b: str) -> bool:
        return a != b and (teacher[a] == teacher[b] or bool(set(cur_of[a]) & set(cur_of[b])))

    ranked = sorted(problem.courses, key=lambda c: (c.lectures if fewest else -c.lectures, c.id))
    for course in ranked:
        mine = by_course.get(course.id, [])
        own_slots = {(a.day, a.period) for a in mine}
        targets = sorted(
            {
                (a.day, a.period)
                for a in assignments
                if conflicts(course.id, a.course) and (a.day, a.period) not in own_slots
            }
        )
        if len(targets) < len(mine):
            continue
        moved = [
            Assignment(a.course, a.room, d, p) for a, (d, p) in zip(mine, targets, strict=False)
        ]
        rest = [a for a in assignments if a.course != course.id]
        return course.id, sorted(rest + moved)
    raise ValueError("no course can be moved into a conflict")


def run_min_change(
    paths: Sequence[str | Path],
    *,
    time_limit: float,
    resolve_limit: float,
    weight: int = 10,
    workers: int = 2,
    seed: int = 0,
    on_row: Callable[[MinChangeRow], None] | None = None,
) -> list[MinChangeRow]:
    rows = []
    warm_up()
    for path in paths:
        t0 = time.monotonic()
        problem = read_problem(path)
        first = solve(problem, time_limit=time_limit, workers=workers, seed=seed)
        course, broken = perturb(problem, first.assignments)
        vb = verify(problem, broken)
        res = solve(
            problem,
            time_limit=resolve_limit,
            workers=workers,
            seed=seed,
            base=broken,
            min_change_weight=weight,
        )
        row = MinChangeRow(
            instance_key(path),
            course,
            problem.course_by_id[course].lectures,
            vb.hard_violations,
            res.moved,
            first.cost or 0,
            res.cost,
            round(time.monotonic() - t0, 2),
        )
        rows.append(row)
        if on_row:
            on_row(row)
    return rows


def min_change_markdown(rows: Sequence[MinChangeRow], *, weight: int) -> str:
    out = [
        f"| inst | course displaced | its lectures | hard violations after the move | "
        f"lectures moved by the re-solve (W={weight}) | cost before | cost after |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append(
            f"| {r.instance} | {r.course} | {r.displaced} | {r.broken_hard_violations} | "
            f"{_fmt(r.moved)} | {r.cost_before} | {_fmt(r.cost_after)} |"
        )
    return "\n".join(out) + "\n"
