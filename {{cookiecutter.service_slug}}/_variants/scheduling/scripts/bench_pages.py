"""Benchmark the server-side render of the scheduler's pages on comp07 (434 lectures).

Builds a throw-away test database (the test settings: SQLite unless DATABASE_URL says otherwise),
imports comp07, stores two timetables from the generator (short budget, two seeds: every lecture
may differ between them) and a history of revisions, then renders each page N times through
Django's test client, signed in as a scheduler (the pages with every edit control). Prints median
and p95 per page against its target:

- the grid: the default view (first curriculum), the busiest teacher, and every lecture (434
  cards); "warm": the revision's verification is cached (every render after the first of a
  revision), "cold": the cache is cleared before each render (lectures read and verified again);
- a guided move: the places of one lecture of the default view (what picking it up asks: every
  other period scored by the verifier, and the swaps with the view's lectures) and the grid with
  its "Find a place" list;
- the history of the problem (--revisions rows) and the comparison of the two timetables.

Usage (from the project root):

    DJANGO_SETTINGS_MODULE=<service>.environments.test python scripts/bench_pages.py \\
        [--renders 50] [--time-limit 10] [--revisions 30]
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
APP = "{{ cookiecutter.app_slug }}"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{{ cookiecutter.service_slug }}.environments.test")


class Page(NamedTuple):
    label: str
    url: str
    query: dict[str, Any]
    target_ms: float  # p95 the page must stay under (docs/ui.md)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--revisions", type=int, default=30, help="rows of the history page")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.template import Template
    from django.test.utils import setup_test_environment

    # Time a server's render: the test environment's template instrumentation is undone.
    render = Template._render  # type: ignore[attr-defined]
    setup_test_environment()
    Template._render = render  # type: ignore[attr-defined]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, pages = _comp07_pages(args.time_limit, args.revisions)
        _time_renders(user, pages, args.renders)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _comp07_pages(time_limit: float, history: int) -> tuple[Any, list[Page]]:
    """A scheduler, comp07 with two generated timetables and a history, and the pages."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    problems = importlib.import_module(f"{APP}.services.problems")
    revisions = importlib.import_module(f"{APP}.services.revisions")
    timetabling = importlib.import_module(f"{APP}.timetabling")
    user = get_user_model().objects.create_user("bench", password="bench-only-password")
    user.groups.add(Group.objects.get_or_create(name="scheduler")[0])
    source = ROOT / APP / "timetabling" / "data" / "comp07.ctt"
    problem = problems.problem_import(file=source.read_bytes(), filename=source.name)
    core_problem = timetabling.read_problem(source)
    solutions = []
    for seed in (0, 1):
        started = time.perf_counter()
        result = timetabling.solve(core_problem, time_limit=time_limit, workers=2, seed=seed)
        print(
            f"comp07 seed {seed}: {len(result.assignments)} lectures generated in "
            f"{time.perf_counter() - started:.1f} s ({result.status})"
        )
        if not result.assignments:
            message = f"comp07 seed {seed}: no timetable in {time_limit} s; raise --time-limit"
            raise SystemExit(message)
        solutions.append(timetabling.format_solution(result.assignments).encode())
    stored = [
        revisions.revision_import(problem=problem, file=solutions[i % 2])
        for i in range(max(history, 2))
    ]
    first, second = stored[-2], stored[-1]
    print(
        f"{len(stored)} revisions; the last: {second.hard_violations} hard violations, "
        f"cost {second.total_cost}"
    )
    return user, _pages(problem, core_problem, first, second, len(stored))


def _pages(problem: Any, core_problem: Any, first: Any, second: Any, history: int) -> list[Page]:
    """The pages timed: grids of three views, a guided move's reads, history and diff."""
    teachers = Counter(c.teacher for c in core_problem.courses for _ in range(c.lectures))
    busiest = teachers.most_common(1)[0][0]
    grid = f"/{APP}/revisions/{second.pk}/"
    # A lecture of the default view (the first curriculum): what a pick-up or "Find a place" asks.
    selectors = importlib.import_module(f"{APP}.selectors.revisions")
    first_course = core_problem.curricula[0].courses[0]
    lecture = next(
        lec for lec in selectors.revision_lectures(revision=second) if lec.course == first_course
    )
    return [
        Page("grid: first curriculum (default)", grid, {"show": ""}, 200),
        Page(f"grid: teacher {busiest}", grid, {"show": f"teacher:{busiest}"}, 200),
        Page("grid: every lecture", grid, {"show": "all:"}, 300),
        Page(f"history ({history} rows)", f"/{APP}/problems/{problem.pk}/history/", {}, 200),
        Page(
            f"places of {lecture.course} (pick-up JSON)",
            f"/{APP}/revisions/{second.pk}/places/",
            {"lecture": lecture.key, "show": ""},
            500,
        ),
        Page("grid with Find a place", grid, {"show": "", "place": lecture.key}, 500),
        Page(
            f"diff #{first.number} -> #{second.number}",
            f"/{APP}/problems/{problem.pk}/diff/",
            {"against": first.pk, "revision": second.pk},
            200,
        ),
    ]


def _time_renders(user: Any, pages: list[Page], renders: int) -> None:
    """Median and p95 of `renders` renders of each page, warm and cold."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)
    print(f"{renders} renders each, milliseconds:")
    print(f"{'page':<36} {'cache':<5} {'median':>8} {'p95':>8} {'target':>7} {'bytes':>9}")
    for page in pages:
        for mode in ("warm", "cold"):
            timings = []
            size = 0
            client.get(page.url, page.query)  # warms the verification and templates
            for _ in range(renders):
                if mode == "cold":
                    cache.clear()
                begin = time.perf_counter()
                response = client.get(page.url, page.query)
                timings.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (page.url, response.status_code)
                size = len(response.content)
            p95 = percentile(timings, 0.95)
            verdict = "ok" if p95 < page.target_ms else "OVER"
            print(
                f"{page.label:<36} {mode:<5} {statistics.median(timings):8.1f} "
                f"{p95:8.1f} {page.target_ms:7.0f} {size:9d} {verdict}"
            )


if __name__ == "__main__":
    main()
