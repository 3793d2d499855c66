"""From nothing to a green suite, as a new team does it: `cruft create` from the template's git
repository, `make install`, `make test` (SQLite, no services).

    .venv/bin/python scripts/bench_first_run.py [--template URL] [--skip-warm-up]

pip's cache is warmed first by the same steps in a throw-away service (skip that when it is warm
already); then the timed run. Prints each step, the total against the 5-minute goal, and the load
average before and after: compare figures only from an otherwise idle machine.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bakery import TEMPLATE, run

GOAL_SECONDS = 300
CRUFT = Path(sys.executable).parent / "cruft"


def step(label: str, args: list[str | Path], cwd: Path) -> float:
    started = time.perf_counter()
    result = run(args, cwd=cwd, timeout=1800)
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"{label} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def first_run(template: str, where: Path) -> float:
    """cruft create, make install, make test in `where`: the total seconds."""
    where.mkdir()
    total = step(
        "cruft create", [CRUFT, "create", "--no-input", "--output-dir", where, template], where
    )
    service = next(p for p in where.iterdir() if p.is_dir())
    total += step("make install", ["make", "install"], service)
    total += step("make test", ["make", "test"], service)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--template", default=f"file://{TEMPLATE}", help="git URL (default: this checkout's HEAD)"
    )
    parser.add_argument("--skip-warm-up", action="store_true", help="pip's cache is warm already")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_warm_up:
            print("warm-up (fills pip's cache; not counted):")
            first_run(args.template, Path(tmp) / "warm-up")
        print("first run:")
        total = first_run(args.template, Path(tmp) / "timed")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verdict = "within" if total < GOAL_SECONDS else "over"
    print(
        f"cruft create + make install + make test: {total:.0f} s "
        f"({verdict} the {GOAL_SECONDS} s goal)"
    )
    if total >= GOAL_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
