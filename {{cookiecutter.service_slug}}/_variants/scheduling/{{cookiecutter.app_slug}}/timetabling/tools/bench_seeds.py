"""Several seeds of the benchmark pooled in one CSV, and what they add up to.

`run_seeds` appends one line per instance and seed to a CSV, with the date, the machine and its
load average when the instance started: seeds may be run in different sessions (a full UD2
seed at 300 s takes about 105 minutes) and pooled. `seeds_report` reads such a file back and
gives, per instance, the median and the best cost over the seeds, and the total of the medians,
the figure the targets speak of, with the annealing's moves per second.
"""

from __future__ import annotations

import csv
import os
import socket
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from .bench import REFERENCE, BenchRow, run_benchmark


@dataclass
class SeedRow:
    date: str  # when the instance started, ISO 8601 with the offset
    machine: str
    load_1m: float  # the machine's 1-minute load average then
    formulation: str
    time_limit: float
    seed: int
    instance: str
    cost: int | None  # the verifier's total; None: no timetable
    status: str
    moves_per_s: int


def run_seeds(
    paths: Sequence[str | Path],
    *,
    seeds: Sequence[int],
    time_limit: float,
    csv_path: str | Path,
    workers: int = 2,
    formulation: str = "UD2",
    on_row: Callable[[SeedRow], None] | None = None,
) -> list[SeedRow]:
    """Solve every instance with every seed, appending each result to `csv_path` at once (an
    interrupted run keeps what it measured)."""
    rows: list[SeedRow] = []
    for seed in seeds:
        for path in paths:
            started, load = datetime.now().astimezone(), os.getloadavg()[0]
            (result,) = run_benchmark(
                [path], time_limit=time_limit, workers=workers, seed=seed, formulation=formulation
            )
            row = _seed_row(result, started, load, formulation, time_limit, seed)
            _append(csv_path, row)
            rows.append(row)
            if on_row:
                on_row(row)
    return rows


def _seed_row(
    result: BenchRow, started: datetime, load: float, formulation: str, limit: float, seed: int
) -> SeedRow:
    return SeedRow(
        started.isoformat(timespec="seconds"), socket.gethostname(), round(load, 2),
        formulation, limit, seed, result.instance, result.cost, result.status,
        result.moves_per_s,
    )  # fmt: skip


def _append(path: str | Path, row: SeedRow) -> None:
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f.name for f in fields(SeedRow)])
        if new:
            writer.writeheader()
        writer.writerow(asdict(row))


def read_seed_rows(path: str | Path) -> list[SeedRow]:
    with Path(path).open(newline="", encoding="utf-8") as fh:
        return [
            SeedRow(
                r["date"],
                r["machine"],
                float(r["load_1m"]),
                r["formulation"],
                float(r["time_limit"]),
                int(r["seed"]),
                r["instance"],
                int(r["cost"]) if r["cost"] else None,
                r["status"],
                int(r["moves_per_s"]),
            )
            for r in csv.DictReader(fh)
        ]


def seeds_report(
    rows: Sequence[SeedRow], *, formulation: str = "UD2", time_limit: float | None = None
) -> str:
    """Markdown: per instance the seeds run, the median and best cost, the ITC-2007 winner's
    figure (UD2) and whether the median is at or below it; then the total of the medians."""
    chosen = [
        r for r in rows
        if r.formulation == formulation and (time_limit is None or r.time_limit == time_limit)
    ]  # fmt: skip
    by_instance: dict[str, list[SeedRow]] = {}
    for r in sorted(chosen, key=lambda r: (r.instance, r.seed)):
        by_instance.setdefault(r.instance, []).append(r)
    out = [
        f"{formulation}, {len(chosen)} runs"
        + (f" at {time_limit:g} s" if time_limit is not None else ""),
        "",
        "| inst | seeds | median | best | ITC-2007 winner | median ≤ winner | moves/s (median) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    medians, at_or_below = [], 0
    for instance, runs in by_instance.items():
        costs = [r.cost for r in runs if r.cost is not None]
        median = statistics.median(costs) if len(costs) == len(runs) else None
        winner = REFERENCE.get(instance, (None, None, 0.0))[1] if formulation == "UD2" else None
        below = "-" if median is None or winner is None else ("yes" if median <= winner else "no")
        at_or_below += below == "yes"
        if median is not None:
            medians.append(median)
        moves = statistics.median(r.moves_per_s for r in runs)
        out.append(
            f"| {instance} | {','.join(str(r.seed) for r in runs)} | {_num(median)} | "
            f"{_num(min(costs) if costs else None)} | {_num(winner)} | {below} | {moves:,.0f} |"
        )
    complete = len(medians) == len(by_instance)
    loads = [r.load_1m for r in chosen]
    out += [
        "",
        f"Total of the medians: {_num(sum(medians)) if complete else '- (a run found nothing)'}; "
        f"median at or below the winner on {at_or_below} of {len(by_instance)}; load average "
        f"{min(loads, default=0):.2f} to {max(loads, default=0):.2f} at the starts; machines: "
        f"{', '.join(sorted({r.machine for r in chosen}))}.",
    ]
    return "\n".join(out) + "\n"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}".removesuffix(".0")
