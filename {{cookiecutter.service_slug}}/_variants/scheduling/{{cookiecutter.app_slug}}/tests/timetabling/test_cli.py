"""Command line: solve, verify, bench and one-line errors on bad input. The commands run
in-process (`cli.main`, output captured); one test runs `python -m` as a subprocess, which is
how people call it."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import NamedTuple

import pytest

from ... import timetabling
from ...timetabling.demo import DATA_DIR
from ...timetabling.tools import cli

PKG_DIR = Path(timetabling.__file__).parent
APP = timetabling.__name__  # e.g. "scheduler.timetabling"
ROOT = PKG_DIR.parents[1]


class Outcome(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def run(*args: str) -> Outcome:
    """The command `python -m <app>.timetabling <args>`, run in this process."""
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(args))
    return Outcome(code, out.getvalue(), err.getvalue())


def test_python_dash_m_runs_the_command_line(tmp_path: Path) -> None:
    """The process boundary itself: the module entry point, its exit codes and its streams
    (`verify`, which starts without the solver's libraries; `solve` runs in-process below)."""
    spec = Path(__file__).parent / "fixtures" / "solutions" / "toy.spec.sol"

    def python_m(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", APP, *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)

    good = python_m("verify", str(DATA_DIR / "toy.ctt"), str(spec))
    assert good.returncode == 0, good.stderr
    assert "Total Cost = 30" in good.stdout and good.stderr == ""
    bad = python_m("verify", str(DATA_DIR / "toy.ctt"), str(tmp_path / "missing.sol"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no such file" in bad.stderr


def test_solve_then_verify(tmp_path: Path) -> None:
    out = tmp_path / "toy.sol"
    p = run("solve", str(DATA_DIR / "toy.ctt"), "--time-limit", "1", "--seed", "1", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "construct" in p.stderr and "done" in p.stderr
    assert "cost=" in p.stdout
    v = run("verify", str(DATA_DIR / "toy.ctt"), str(out))
    assert v.returncode == 0
    lines = v.stdout.splitlines()
    assert lines[0].startswith("Violations of Lectures (hard) : 0")
    assert [ln.split(" (")[0] for ln in lines if ln.startswith("Cost of")] == [
        "Cost of RoomCapacity",
        "Cost of MinWorkingDays",
        "Cost of IsolatedLectures",
        "Cost of RoomStability",
    ]
    assert lines[-1].startswith("Summary: Total Cost = ")
    cost = int(p.stdout.split("cost=")[1].split()[0])
    assert lines[-1] == f"Summary: Total Cost = {cost}"
    j = run("verify", str(DATA_DIR / "toy.ctt"), str(out), "--json")
    data = json.loads(j.stdout)
    assert data["total_cost"] == cost and data["hard_violations"] == 0


def test_solve_with_pins_base_and_min_change(tmp_path: Path) -> None:
    base = tmp_path / "base.sol"
    made = run("solve", str(DATA_DIR / "toy.ctt"), "--time-limit", "1", "-o", str(base))
    assert made.returncode == 0
    pin = tmp_path / "pins.txt"
    first = base.read_text().splitlines()[0].split()
    pin.write_text(f"{first[0]} * {first[2]} {first[3]}\n")
    out = tmp_path / "again.sol"
    p = run(
        "solve",
        str(DATA_DIR / "toy.ctt"),
        "--time-limit",
        "1",
        "--base",
        str(base),
        "--pin",
        str(pin),
        "--min-change-weight",
        "5",
        "-o",
        str(out),
        "--quiet",
    )
    assert p.returncode == 0, p.stderr
    assert "moved=0" in p.stdout
    assert any(
        ln.split()[0] == first[0] and ln.split()[2:] == first[2:]
        for ln in out.read_text().splitlines()
    )


def test_bench_writes_csv_and_markdown(tmp_path: Path) -> None:
    csv_path, md_path = tmp_path / "b.csv", tmp_path / "b.md"
    p = run(
        "bench",
        str(DATA_DIR / "toy.ctt"),
        str(DATA_DIR / "comp01.ctt"),
        "--time-limit",
        "1",
        "--csv",
        str(csv_path),
        "--markdown",
        str(md_path),
    )
    assert p.returncode == 0, p.stderr
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("instance,feasible,first_feasible_s,cost,best_known,winner")
    assert rows[0].endswith(",iterations,moves,moves_per_s")
    assert rows[2].startswith("comp01,True,")
    md = md_path.read_text()
    assert "| comp01 | yes |" in md and "| 5 | 5 |" in md


def test_bench_seeds_append_to_one_csv_and_report_medians(tmp_path: Path) -> None:
    pooled = tmp_path / "seeds.csv"
    for seeds in ("0,1", "2"):  # two sessions, one file
        p = run(
            "bench", str(DATA_DIR / "toy.ctt"), "--time-limit", "1", "--seeds", seeds,
            "--append", str(pooled),
        )  # fmt: skip
        assert p.returncode == 0, p.stderr
    lines = pooled.read_text().splitlines()
    assert lines[0] == (
        "date,machine,load_1m,formulation,time_limit,seed,instance,cost,status,moves_per_s"
    )
    assert [line.split(",")[5] for line in lines[1:]] == ["0", "1", "2"]
    costs = [int(line.split(",")[7]) for line in lines[1:]]
    report = run("bench-report", str(pooled), "--time-limit", "1")
    assert report.returncode == 0, report.stderr
    row = next(ln for ln in report.stdout.splitlines() if ln.startswith("| toy |"))
    assert row.startswith(f"| toy | 0,1,2 | {sorted(costs)[1]} | {min(costs)} |")
    assert f"Total of the medians: {sorted(costs)[1]};" in report.stdout
    assert "3 runs at 1 s" in report.stdout


def test_infeasible_problem_exits_1_with_reasons(tmp_path: Path) -> None:
    text = (DATA_DIR / "toy.ctt").read_text().replace("SceCosC Ocra 3 3 30", "SceCosC Ocra 30 3 30")
    bad = tmp_path / "bad.ctt"
    bad.write_text(text)
    p = run("solve", str(bad), "--time-limit", "1", "-o", str(tmp_path / "x.sol"))
    assert p.returncode == 1
    assert "SceCosC" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["solve", "missing.ctt", "-o", "x.sol"], "no such file"),
        (["solve", "{toy}", "-o", "x.sol", "--formulation", "UD9"], "unknown formulation"),
        (["solve", "{bad}", "-o", "x.sol"], "invalid instance"),
        (["solve", "{toy}", "-o", "x.sol", "--pin", "{pin}"], "unknown course"),
        (["solve", "{toy}", "-o", "x.sol", "--base", "missing.sol"], "no such file"),
        (["verify", "{toy}", "missing.sol"], "no such file"),
        (["verify", "{toy}", "{bad}"], "invalid solution"),
        (["solve", "{toy}"], "required"),
        (["frobnicate"], "invalid choice"),
        (["bench", "missing.ctt"], "no such file"),
        (["bench", "--seeds", "0,1"], "--seeds and --append go together"),
        (["bench", "--seeds", "0,x", "--append", "s.csv"], "comma-separated whole numbers"),
        (["bench", "--formulation", "UD9"], "unknown formulation"),
        (["bench-report", "missing.csv"], "cannot read missing.csv"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.chdir(tmp_path)  # relative names ("missing.ctt", "x.sol") resolve here
    bad = tmp_path / "bad.ctt"
    bad.write_text("Name: x\nCourses: banana\n")
    pin = tmp_path / "pin.txt"
    pin.write_text("NoSuchCourse A 0 0\n")
    subst = {"{toy}": str(DATA_DIR / "toy.ctt"), "{bad}": str(bad), "{pin}": str(pin)}
    p = run(*[subst.get(a, a) for a in args])
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert needle in lines[0]
