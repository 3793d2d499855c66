"""Benchmark the server-side render of the timetable grid page on comp07 (434 lectures).

Builds a throw-away test database (the test settings: SQLite unless DATABASE_URL says otherwise),
imports comp07, stores a timetable from the generator (short budget) as a revision, then renders
the grid page N times through Django's test client, signed in as a scheduler (the page with every
edit control). Prints median and p95 per view:

- the default view (first curriculum), the busiest teacher, and every lecture (434 chips);
- "warm": the revision's verification is cached (every render after the first of a revision);
- "cold": the cache is cleared before each render (lectures read and verified again).

Usage (from the project root):

    DJANGO_SETTINGS_MODULE=<service>.environments.test python scripts/bench_grid.py \\
        [--renders 50] [--time-limit 10]
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = "{{ cookiecutter.app_slug }}"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{{ cookiecutter.service_slug }}.environments.test")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, revision, views = _comp07_revision(args.time_limit)
        _time_renders(user, f"/{APP}/revisions/{revision.pk}/", views, args.renders)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _comp07_revision(time_limit: float) -> tuple[Any, Any, dict[str, str]]:
    """A scheduler, a generated comp07 revision, and the views to render (label -> `show`)."""
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
    started = time.perf_counter()
    result = timetabling.solve(core_problem, time_limit=time_limit, workers=2, seed=0)
    print(
        f"comp07: {len(result.assignments)} lectures generated in "
        f"{time.perf_counter() - started:.1f} s ({result.status})"
    )
    revision = revisions.revision_import(
        problem=problem, file=timetabling.format_solution(result.assignments).encode()
    )
    print(
        f"revision #{revision.number}: {revision.hard_violations} hard violations, "
        f"cost {revision.total_cost}"
    )
    teachers = Counter(c.teacher for c in core_problem.courses for _ in range(c.lectures))
    busiest = teachers.most_common(1)[0][0]
    views = {
        "default (first curriculum)": "",
        f"teacher {busiest}": f"teacher:{busiest}",
        "every lecture": "all:",
    }
    return user, revision, views


def _time_renders(user: Any, url: str, views: dict[str, str], renders: int) -> None:
    """Median and p95 of `renders` renders of each view, warm and cold."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)
    print(f"{renders} renders each, milliseconds:")
    print(f"{'view':<34} {'cache':<5} {'median':>8} {'p95':>8} {'bytes':>9}")
    for label, show in views.items():
        for mode in ("warm", "cold"):
            timings = []
            size = 0
            client.get(url, {"show": show})  # warms the verification and templates
            for _ in range(renders):
                if mode == "cold":
                    cache.clear()
                begin = time.perf_counter()
                response = client.get(url, {"show": show})
                timings.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, response.status_code
                size = len(response.content)
            print(
                f"{label:<34} {mode:<5} {statistics.median(timings):8.1f} "
                f"{percentile(timings, 0.95):8.1f} {size:9d}"
            )


if __name__ == "__main__":
    main()
