"""Benchmark of the verifier: milliseconds per verification, per formulation.

    python -m scheduler.timetabling.tools.bench_verify [INSTANCE [SOLUTION]] [--repeat N]

Without arguments it scores a full, deterministic timetable of the shipped comp07 (the largest
instance: 434 lectures) in both formats. The first call also builds the per-problem index, so it
is reported apart from the steady state.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from ..demo import demo_instance_path
from ..formats import read_problem, read_solution
from ..formulations import FORMULATIONS
from ..model import Assignment, Problem
from ..verifier import verify


def greedy_timetable(problem: Problem, seed: int = 7) -> list[Assignment]:
    """Every lecture placed in a free room at an available period when one exists."""
    rng = random.Random(seed)
    cells = [
        (day, period, room.id)
        for day in range(problem.days)
        for period in range(problem.periods_per_day)
        for room in problem.rooms
    ]
    rng.shuffle(cells)
    used_cells: set[tuple[int, int, str]] = set()
    out: list[Assignment] = []
    for course in problem.courses:
        busy: set[tuple[int, int]] = set()
        for _ in range(course.lectures):
            free = [
                cell
                for cell in cells
                if cell not in used_cells
                and cell[:2] not in busy
                and (course.id, cell[0], cell[1]) not in problem.unavailability
            ]
            if not free:
                break
            day, period, room = free[0]
            used_cells.add(free[0])
            busy.add((day, period))
            out.append(Assignment(course.id, room, day, period))
    return out


def bench(problem: Problem, assignments: list[Assignment], repeat: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    for name in FORMULATIONS:
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            verify(problem, assignments, name)
            samples.append(time.perf_counter() - start)
        timings[name] = statistics.median(samples) * 1000
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", type=Path, help=".ctt or .ectt file")
    parser.add_argument("solution", nargs="?", type=Path, help="solution file (default: greedy)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)

    paths = (
        [args.instance]
        if args.instance
        else [demo_instance_path("comp07.ectt"), demo_instance_path("comp07.ctt")]
    )
    for path in paths:
        problem = read_problem(path)
        assignments = read_solution(args.solution) if args.solution else greedy_timetable(problem)
        start = time.perf_counter()
        first = verify(problem, assignments)
        cold = (time.perf_counter() - start) * 1000
        print(
            f"{path.name}: {len(assignments)} lectures, UD2 total cost {first.total_cost}, "
            f"{first.hard_violations} hard; first call (builds index) {cold:.2f} ms"
        )
        for name, ms in bench(problem, assignments, args.repeat).items():
            print(f"  {name:<4} {ms:7.2f} ms per verification (median of {args.repeat})")


if __name__ == "__main__":
    main()
