"""Benchmark the generator under each formulation against an older revision, in one run.

    .venv/bin/python scripts/bench_formulations.py --against REV [--revision HEAD]
        [--formulations UD1,UD3,UD4,UD5] [--time-limit 30] [--seed 1]
        [--instances ../shared/data/ctt/ectt] [--pattern 'comp*.ectt']

Renders the template at git revisions REV (before) and --revision (after, HEAD unless given:
committed code only), compiles both kernels, then for
each formulation runs both versions' `bench` command at the same time on every instance, one
solver thread each (so each has one of the machine's two cores and neither waits for the
other). Every timetable is re-scored by the verifier (the `bench` command's cost column).
Prints the cost per instance, each version's total per formulation and their ratio, and the
load average before and after. CSVs of each run are kept in the output folder.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench_template import bake_revision
from tests.bakery import installed_python

DEFAULT_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ctt" / "ectt"


def start_bench(
    project: Path, python: Path, formulation: str, args: argparse.Namespace, out: Path
) -> subprocess.Popen[bytes]:
    instances = sorted(str(p) for p in Path(args.instances).glob(args.pattern))
    command = [
        str(python), "-m", "scheduler.timetabling", "bench", "--formulation", formulation,
        "--time-limit", str(args.time_limit), "--seed", str(args.seed), "--workers", "1",
        "--csv", str(out), *instances,
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL)


def costs(path: Path) -> dict[str, int | None]:
    with path.open() as fh:
        return {
            row["instance"]: int(row["cost"]) if row["cost"] else None for row in csv.DictReader(fh)
        }


def compare(formulation: str, old: dict[str, int | None], new: dict[str, int | None]) -> None:
    print(f"\n{formulation}: instance, before, after")
    for name in sorted(old):
        print(f"  {name}  {old[name]}  {new.get(name)}")
    missing = [n for n in old if old[n] is None or new.get(n) is None]
    before = sum(v for v in old.values() if v is not None)
    after = sum(v for v in new.values() if v is not None)
    ratio = after / before if before else float("nan")
    note = f" (no timetable: {', '.join(missing)})" if missing else ""
    print(
        f"{formulation} total: before {before}, after {after}, ratio {ratio:.2f}{note}", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", required=True, help="git revision to compare with")
    parser.add_argument("--revision", default="HEAD", help="git revision to measure")
    parser.add_argument("--formulations", default="UD1,UD3,UD4,UD5")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instances", default=str(DEFAULT_INSTANCES))
    parser.add_argument("--pattern", default="comp*.ectt", help="instance files to run")
    parser.add_argument("--output", default=None, help="folder for the CSVs (default: a temp one)")
    args = parser.parse_args()
    if not any(Path(args.instances).glob(args.pattern)):
        sys.exit(f"error: no instances {args.pattern} in {args.instances}")
    work = Path(args.output or tempfile.mkdtemp(prefix="bench-formulations-"))
    work.mkdir(parents=True, exist_ok=True)
    versions = {
        "before": bake_revision(args.against, work / "before"),
        "after": bake_revision(args.revision, work / "after"),
    }
    pythons = {name: installed_python(project) for name, project in versions.items()}
    print(f"load average at start: {os.getloadavg()}", flush=True)
    for formulation in args.formulations.split(","):
        runs = {
            name: start_bench(
                project, pythons[name], formulation, args, work / f"{name}-{formulation}.csv"
            )
            for name, project in versions.items()
        }
        for name, process in runs.items():
            if process.wait():
                sys.exit(f"error: the {name} bench of {formulation} failed")
        compare(formulation, *(costs(work / f"{name}-{formulation}.csv") for name in versions))
    print(f"\nload average at the end: {os.getloadavg()}; CSVs in {work}")


if __name__ == "__main__":
    main()
