"""Benchmark the template: render time, a worker's start, and the generated suite's time on
SQLite and MariaDB.

    .venv/bin/python scripts/bench_template.py [--renders 10] [--skip-suites] [--against REV]
        [--revision REV]

Prints one line per figure. Needs MariaDB and Redis on 127.0.0.1 for the MariaDB figure. With
`--against REV` the default render of the template at git revision REV is timed in the same run,
each suite right after its counterpart, and each figure is also given as a ratio to it: the
machine's speed varies from day to day, a ratio measured in one run does not.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cookiecutter.main import cookiecutter

from tests.bakery import TEMPLATE, bake, installed_python, run, service_env


def timed(label: str, fn: Callable[[], None]) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s", flush=True)
    return seconds


def bake_revision(revision: str, output: Path) -> Path:
    """The default render of the template as it was at `revision`."""
    source = output / "template"
    source.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", revision], cwd=TEMPLATE, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    return Path(cookiecutter(str(source), no_input=True, output_dir=str(output / "render")))


def suites(project: Path) -> list[tuple[str, dict[str, str], list[str]]]:
    slug = project.name
    return [
        (
            "SQLite",
            {"DJANGO_SETTINGS_MODULE": f"{slug}.environments.test"},
            ["-m", "not integration"],
        ),
        (
            "MariaDB + Redis",
            {"DJANGO_SETTINGS_MODULE": f"{slug}.environments.ci", **service_env("bench", 6)},
            [],
        ),
    ]


def run_suite(project: Path, label: str, env: dict[str, str], marker: list[str]) -> float:
    """The suite as `make test` runs it after `make install` (caches warmed, not timed)."""
    python = installed_python(project)

    def suite() -> None:
        result = run(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *marker], cwd=project, env=env
        )
        tail = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
        print(f"  {tail[0]}")
        if result.returncode:
            sys.exit(f"{label} failed:\n{result.stdout[-3000:]}")

    return timed(label, suite)


def worker_start(project: Path, label: str, starts: int = 3) -> float:
    """Median seconds from starting a Celery worker of the render (Redis broker, as the
    MariaDB + Redis tests start theirs) to its "ready" line."""
    python = installed_python(project)
    slug = project.name
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"{slug}.environments.ci",
        **service_env("bench", 6),
    }
    seconds = []
    for _ in range(starts):
        started = time.perf_counter()
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", slug, "worker", "--pool", "solo", "-l", "info"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            for line in worker.stdout or []:
                if " ready." in line:
                    seconds.append(time.perf_counter() - started)
                    break
            else:
                sys.exit(f"{label}: the worker exited without getting ready")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    median = statistics.median(seconds)
    print(f"{label}: median {median:.2f} s over {starts} starts", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--skip-suites", action="store_true", help="renders and worker starts only")
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    parser.add_argument(
        "--revision", metavar="REV", help="time the suites of this revision, not the working tree"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(args.renders):
            started = time.perf_counter()
            project = bake(Path(tmp) / str(i))
            times.append(time.perf_counter() - started)
        print(
            f"default render: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {args.renders} renders"
        )
        if args.revision:
            project = bake_revision(args.revision, Path(tmp) / "measured")
        baseline = bake_revision(args.against, Path(tmp) / "baseline") if args.against else None
        if baseline:
            before = worker_start(baseline, f"worker ready at {args.against}")
        now = worker_start(project, "worker ready")
        if baseline:
            print(f"  ratio to {args.against}: {now / before:.2f}")
        if args.skip_suites:
            return
        for (label, env, marker), old in zip(
            suites(project), suites(baseline) if baseline else [None, None], strict=True
        ):
            before = run_suite(baseline, f"{label} at {args.against}", *old[1:]) if old else None
            now = run_suite(project, f"generated suite on {label}", env, marker)
            if before:
                print(f"  ratio to {args.against}: {now / before:.2f}")


if __name__ == "__main__":
    main()
