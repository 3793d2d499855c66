"""Benchmark helpers without solving: references, gaps, perturbation, tables."""

from __future__ import annotations

from pathlib import Path

from ...timetabling.formats import read_problem, read_solution
from ...timetabling.tools.bench import (
    REFERENCE,
    BenchRow,
    MinChangeRow,
    _gap,
    markdown,
    min_change_markdown,
    perturb,
    summary,
    write_csv,
)
from ...timetabling.verifier import verify

FIXTURES = Path(__file__).parent / "fixtures"


def test_reference_table_totals_match_the_published_ones() -> None:
    assert len(REFERENCE) == 21
    assert sum(v[0] for v in REFERENCE.values()) == 1338
    assert sum(v[1] for v in REFERENCE.values()) == 1675


def test_gap() -> None:
    assert _gap(10, 5) == 100.0
    assert _gap(0, 0) == 0.0
    assert _gap(3, 0) is None
    assert _gap(None, 5) is None


def test_perturb_moves_one_course_into_conflicts() -> None:
    problem = read_problem(FIXTURES / "instances" / "comp01.ctt")
    good = read_solution(FIXTURES / "solutions" / "comp01.ud2.sol")
    assert verify(problem, good).hard_violations == 0
    course, broken = perturb(problem, good)
    assert len(broken) == len(good)
    changed = set(good) - set(broken)
    assert changed and {a.course for a in changed} == {course}
    assert verify(problem, broken).hard_violations > 0


def _row(inst: str, cost: int | None, ff: float | None = 1.0) -> BenchRow:
    best, winner, _ = REFERENCE[inst]
    return BenchRow(
        inst, cost is not None, ff, cost, best, winner, _gap(cost, best), "feasible", 10.0, 3
    )


def test_summary_markdown_and_csv(tmp_path: Path) -> None:
    rows = [_row("comp01", 5), _row("comp07", 40, 2.0), _row("comp11", 0, 0.5)]
    s = summary(rows)
    assert s["feasible"] == 3
    assert s["total_cost"] == 45
    assert s["at_or_below_winner"] == 2
    assert s["median_first_feasible_s"] == 1.0
    assert s["median_gap_pct"] == 0.0
    md = markdown(rows, note="UD2")
    assert "| comp07 | yes | 2.0 | 40 | 6 | 20 | 566.7 | no |" in md
    write_csv(rows, tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text().splitlines()[1].startswith("comp01,True,1.0,5,5,5,")
    mc = min_change_markdown([MinChangeRow("comp01", "c0001", 6, 9, 7, 10, 12, 3.0)], weight=10)
    assert "| comp01 | c0001 | 6 | 9 | 7 | 10 | 12 |" in mc
