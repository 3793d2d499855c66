"""Command line of the timetabling core: ``python -m <app>.timetabling {solve,verify,bench}``.

solve INSTANCE -o SOLUTION [--time-limit S] [--seed N] [--workers N] [--formulation F]
      [--base SOLUTION] [--pin FILE] [--min-change-weight W]
    Progress lines go to stderr, the final status and cost to stdout. A pin file uses the
    solution format (``course room day period`` per line); a room of ``*`` pins only the
    period. Ctrl-C stops the search and still writes the best timetable found.
verify INSTANCE SOLUTION [--formulation F] [--json] [--details]
    The verifier's report in the official validator's order (or its JSON form).
bench [INSTANCES...] [--time-limit S] [--workers N] [--seed N] [--formulation F] [--csv FILE]
      [--markdown FILE] [--min-change [--resolve-limit S] [--weight W]]
      [--seeds 0,1,2 --append FILE]
    Without instances, the examples shipped in the package's data/ directory. With --seeds and
    --append, every seed of every instance is appended to FILE (with the date, machine and load)
    and the report of FILE follows (see bench-report).
bench-report FILE [--formulation F] [--time-limit S]
    Per instance the median and best cost over the seeds in FILE, and the total of the medians.

Exit status: 0 success; 1 no timetable (infeasible or none found in time; reasons on stderr);
2 bad input (missing or malformed file, unknown formulation, pins naming unknown courses...),
always reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, TypeVar

from ..demo import DATA_DIR
from ..formats import FormatError, format_solution, parse_solution, read_problem, read_solution
from ..formulations import FORMULATIONS
from ..model import Assignment, Problem
from ..verifier import verify

if TYPE_CHECKING:  # the solver's libraries load only for `solve`: `verify` starts at once
    from ..generator import Progress

# The command is the timetabling package's (`python -m <app>.timetabling`), not this module's.
PROG = f"python -m {__package__.removesuffix('.tools')}" if __package__ else "timetabling"


T = TypeVar("T")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="CB-CTT (ITC-2007 track 3) timetabling tools.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("solve", help="generate a timetable")
    s.add_argument("instance")
    s.add_argument("-o", "--output", required=True, help="solution file to write")
    s.add_argument("--time-limit", type=float, default=60.0)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--formulation", default="UD2")
    s.add_argument("--base", help="previous timetable (hint, or reference for --min-change)")
    s.add_argument("--pin", help="file of pinned lectures (solution format; room * = any)")
    s.add_argument("--min-change-weight", type=int, default=None)
    s.add_argument("--quiet", action="store_true", help="no progress lines")

    v = sub.add_parser("verify", help="score a timetable like the official validator")
    v.add_argument("instance")
    v.add_argument("solution")
    v.add_argument("--formulation", default="UD2")
    v.add_argument("--json", action="store_true")
    v.add_argument("--details", action="store_true", help="one line per violation first")

    b = sub.add_parser("bench", help="benchmark the generator against published results")
    b.add_argument("instances", nargs="*")
    b.add_argument("--time-limit", type=float, default=60.0)
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--csv")
    b.add_argument("--markdown")
    b.add_argument("--formulation", default="UD2")
    b.add_argument("--seeds", help="comma-separated seeds, with --append")
    b.add_argument("--append", help="CSV file to append every seed's results to")
    b.add_argument("--min-change", action="store_true", help="measure the minimal-change mode")
    b.add_argument("--resolve-limit", type=float, default=20.0)
    b.add_argument("--weight", type=int, default=10)

    r = sub.add_parser("bench-report", help="median and best over the seeds of a bench CSV")
    r.add_argument("file")
    r.add_argument("--formulation", default="UD2")
    r.add_argument("--time-limit", type=float, default=None)
    return p


def _formulation(name: str) -> str:
    if name not in FORMULATIONS:
        raise UsageError(f"unknown formulation {name!r} (choose from {', '.join(FORMULATIONS)})")
    return name


def _read_problem(path: str) -> Problem:
    return _read(read_problem, path, what="", invalid="instance")


def _read_solution(path: str, what: str) -> list[Assignment]:
    return _read(read_solution, path, what=what, invalid=what)


def _read(reader: Callable[[str], T], path: str, *, what: str, invalid: str) -> T:
    """`reader(path)`, with any failure as one line: `cannot read` or `invalid` and the path."""
    label = f"{what} {path}" if what else path
    try:
        return reader(path)
    except FileNotFoundError:
        raise UsageError(f"cannot read {label}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {label}: is a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {label}: {exc.strerror or exc}") from None
    except (FormatError, ValueError) as exc:
        raise UsageError(f"invalid {invalid} {path}: {exc}") from None


def _read_pins(path: str) -> list[Assignment]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"cannot read pin file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read pin file {path}: {exc}") from None
    try:
        return parse_solution(text, source=path)
    except (FormatError, ValueError) as exc:
        raise UsageError(f"invalid pin file {path}: {exc}") from None


def _print_progress(p: Progress) -> None:
    parts = [f"[{p.elapsed:7.1f}s] {p.phase:<9}"]
    if p.best_cost is not None:
        parts.append(f"cost={p.best_cost}")
    if p.bound is not None:
        parts.append(f"bound={p.bound}")
    if p.moved is not None:
        parts.append(f"moved={p.moved}")
    if p.iterations:
        parts.append(f"iterations={p.iterations}")
    print(" ".join(parts), file=sys.stderr, flush=True)


def _cmd_solve(a: argparse.Namespace) -> int:
    formulation = _formulation(a.formulation)
    problem = _read_problem(a.instance)
    base = _read_solution(a.base, "base timetable") if a.base else None
    pins = _read_pins(a.pin) if a.pin else []
    if a.min_change_weight is not None and base is None:
        raise UsageError("--min-change-weight needs --base")
    out = Path(a.output)
    if out.parent and not out.parent.exists():
        raise UsageError(f"cannot write {a.output}: directory {out.parent} does not exist")

    stop = {"flag": False}

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        stop["flag"] = True

    old = signal.signal(signal.SIGINT, on_sigint)
    progress = (lambda p: None) if a.quiet else _print_progress
    from ..generator import GeneratorInputError, solve

    try:
        res = solve(
            problem,
            formulation=formulation,
            time_limit=a.time_limit,
            workers=a.workers,
            seed=a.seed,
            base=base,
            pins=pins,
            min_change_weight=a.min_change_weight,
            on_progress=progress,
            should_stop=lambda: stop["flag"],
        )
    except GeneratorInputError as exc:
        raise UsageError(str(exc)) from None
    finally:
        signal.signal(signal.SIGINT, old)
    if not res.assignments:
        print(f"{PROG}: no timetable ({res.status})", file=sys.stderr)
        if res.infeasible is not None:
            print(res.infeasible.format_text(), file=sys.stderr)
        return 1
    try:
        out.write_text(format_solution(res.assignments), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {a.output}: {exc.strerror or exc}") from None
    extra = f" moved={res.moved}" if res.moved is not None else ""
    print(
        f"status={res.status} cost={res.cost} bound={res.bound}{extra} "
        f"first_feasible={res.first_feasible_seconds}s elapsed={res.elapsed}s "
        f"iterations={res.iterations} moves={res.moves} -> {a.output}"
    )
    return 0


def _cmd_verify(a: argparse.Namespace) -> int:
    formulation = _formulation(a.formulation)
    problem = _read_problem(a.instance)
    sol = _read_solution(a.solution, "solution")
    v = verify(problem, sol, formulation)
    if a.json:
        print(json.dumps(v.to_dict(), indent=2))
    else:
        sys.stdout.write(v.format_text(details=a.details))
    return 0


def _cmd_bench(a: argparse.Namespace) -> int:
    paths = a.instances or sorted(str(p) for p in DATA_DIR.glob("*.ctt"))
    for p in paths:
        if not Path(p).is_file():
            raise UsageError(f"cannot read {p}: no such file")
    _formulation(a.formulation)
    if bool(a.seeds) != bool(a.append):
        raise UsageError("--seeds and --append go together")
    if a.min_change:
        md = _bench_min_change(a, paths)
    elif a.seeds:
        md = _bench_seeds(a, paths)
    else:
        md = _bench_costs(a, paths)
    if a.markdown:
        Path(a.markdown).write_text(md, encoding="utf-8")
    sys.stdout.write(md)
    return 0


def _bench_min_change(a: argparse.Namespace, paths: list[str]) -> str:
    """Displace a course in a solved timetable and re-solve: the markdown table (CSV if asked)."""
    from . import bench

    rows = bench.run_min_change(
        paths,
        time_limit=a.time_limit,
        resolve_limit=a.resolve_limit,
        weight=a.weight,
        workers=a.workers,
        seed=a.seed,
        on_row=lambda r: print(
            f"{r.instance}: displaced {r.course} ({r.displaced} lectures), "
            f"moved={r.moved} cost {r.cost_before} -> {r.cost_after}",
            file=sys.stderr,
            flush=True,
        ),
    )
    if a.csv:
        bench.write_csv(rows, a.csv)
    return bench.min_change_markdown(rows, weight=a.weight)


def _bench_costs(a: argparse.Namespace, paths: list[str]) -> str:
    """Solve each instance and compare with the published results: the markdown table."""
    from . import bench

    rows = bench.run_benchmark(
        paths,
        time_limit=a.time_limit,
        workers=a.workers,
        seed=a.seed,
        formulation=a.formulation,
        on_row=lambda r: print(
            f"{r.instance}: feasible={r.feasible} first={r.first_feasible_s}s "
            f"cost={r.cost} best={r.best_known} winner={r.winner} gap={r.gap_pct}% "
            f"moves/s={r.moves_per_s}",
            file=sys.stderr,
            flush=True,
        ),
    )
    if a.csv:
        bench.write_csv(rows, a.csv)
    return bench.markdown(
        rows,
        note=f"{a.formulation}, {a.time_limit:g} s per instance, {a.workers} workers "
        f"(annealing chains, then CP-SAT workers), seed {a.seed}.",
    )


def _bench_seeds(a: argparse.Namespace, paths: list[str]) -> str:
    """Every seed of every instance appended to the CSV; then the report of the whole file."""
    from . import bench_seeds

    try:
        seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    except ValueError:
        raise UsageError(f"--seeds takes comma-separated whole numbers, got {a.seeds!r}") from None
    bench_seeds.run_seeds(
        paths,
        seeds=seeds,
        time_limit=a.time_limit,
        csv_path=a.append,
        workers=a.workers,
        formulation=a.formulation,
        on_row=lambda r: print(
            f"{r.instance} seed {r.seed}: cost={r.cost} moves/s={r.moves_per_s} load={r.load_1m}",
            file=sys.stderr,
            flush=True,
        ),
    )
    rows = bench_seeds.read_seed_rows(a.append)
    return bench_seeds.seeds_report(rows, formulation=a.formulation, time_limit=a.time_limit)


def _cmd_bench_report(a: argparse.Namespace) -> int:
    from . import bench_seeds

    _formulation(a.formulation)
    try:
        rows = bench_seeds.read_seed_rows(a.file)
    except OSError as exc:
        raise UsageError(f"cannot read {a.file}: {exc.strerror}") from None
    except (KeyError, ValueError) as exc:
        raise UsageError(f"{a.file} is not a bench CSV: {exc}") from None
    text = bench_seeds.seeds_report(rows, formulation=a.formulation, time_limit=a.time_limit)
    sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        a = _parser().parse_args(argv)
        commands = {
            "solve": _cmd_solve,
            "verify": _cmd_verify,
            "bench": _cmd_bench,
            "bench-report": _cmd_bench_report,
        }
        return commands[a.command](a)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
