"""Benchmark the template: render time, and the generated suite's time on SQLite and MariaDB.

    .venv/bin/python scripts/bench_template.py [--renders 10] [--skip-suites]

Prints one line per figure. Needs MariaDB and Redis on 127.0.0.1 for the MariaDB figure.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bakery import bake, project_python, run, service_env


def timed(label: str, fn) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--skip-suites", action="store_true")
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
        if args.skip_suites:
            return
        python = project_python(project)
        slug = project.name
        for label, env, marker in (
            (
                "generated suite on SQLite",
                {"DJANGO_SETTINGS_MODULE": f"{slug}.environments.test"},
                ["-m", "not integration"],
            ),
            (
                "generated suite on MariaDB + Redis",
                {"DJANGO_SETTINGS_MODULE": f"{slug}.environments.ci", **service_env("bench", 6)},
                [],
            ),
        ):

            def suite(env=env, marker=marker, label=label) -> None:
                result = run(
                    [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *marker],
                    cwd=project,
                    env=env,
                )
                tail = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
                print(f"  {tail[0]}")
                if result.returncode:
                    sys.exit(f"{label} failed:\n{result.stdout[-3000:]}")

            timed(label, suite)


if __name__ == "__main__":
    main()
