"""Solves for the generator's tests: one solver thread unless a test asks for more (the suite
already runs one test process per core), and solves that stop a given time after the search
starts rather than at a time limit, so that a busy machine makes them slower, never emptier."""

from __future__ import annotations

import time
from typing import Any

from ...timetabling.generator import Progress, SolveResult
from ...timetabling.generator import solve as generate
from ...timetabling.model import Problem


def solve(problem: Problem, **options: Any) -> SolveResult:
    """`generate` on one thread unless `options` say otherwise."""
    return generate(problem, **{"workers": 1, **options})


def solve_constructed(problem: Problem, **options: Any) -> SolveResult:
    """The timetable the construction hands to the search (see `solve_searching`)."""
    return solve_searching(problem, 0.0, **options)


def solve_searching(
    problem: Problem, seconds: float, progress: list[Progress] | None = None, **options: Any
) -> SolveResult:
    """`seconds` of search after the construction, which polishes for about a second (8 % of
    the 10 s limit); `progress` collects what the solve reports."""
    started: list[float] = []

    def seen(report: Progress) -> None:
        if progress is not None:
            progress.append(report)
        if not started and report.phase == "search":
            started.append(time.monotonic())

    def stop() -> bool:
        return bool(started) and time.monotonic() - started[0] >= seconds

    options = {"time_limit": 10.0, "on_progress": seen, "should_stop": stop, **options}
    return solve(problem, **options)
