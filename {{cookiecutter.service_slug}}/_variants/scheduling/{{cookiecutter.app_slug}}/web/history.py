"""Page builders of the history and comparison pages: the cost chart of a problem's revisions,
and one plain sentence per change between two revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clock import Clock


@dataclass
class Chart:
    """An inline SVG line chart: points already scaled to the view box."""

    width: int
    height: int
    points: str
    dots: list[dict[str, Any]]
    y_max: int
    y_min: int
    label: str


def cost_chart(
    values: list[tuple[str, int, bool]], *, width: int = 480, height: int = 140
) -> Chart:
    """Cost per revision, oldest first: values are (label, total cost, feasible)."""
    pad = 24
    if not values:
        return Chart(width, height, "", [], 0, 0, "No revisions yet.")
    costs = [v[1] for v in values]
    lo, hi = min(costs), max(costs)
    span = max(hi - lo, 1)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    dots = []
    for i, (label, cost, feasible) in enumerate(values):
        x = pad + i * step
        y = height - pad - (cost - lo) / span * (height - 2 * pad)
        dots.append(
            {"x": round(x, 1), "y": round(y, 1), "label": label, "cost": cost, "ok": feasible}
        )
    points = " ".join(f"{d['x']},{d['y']}" for d in dots)
    summary = ", ".join(f"{d['label']}: {d['cost']}" for d in dots[-12:])
    return Chart(width, height, points, dots, hi, lo, f"Total cost per revision: {summary}.")


def diff_changes(diff: dict[str, Any], *, clock: Clock) -> list[dict[str, Any]]:
    """One plain sentence per change of a diff, with the cell it links to (clock times)."""

    def where(slot: dict[str, Any]) -> str:
        return f"{clock.when(slot['day'], slot['period'])}, room {slot['room']}"

    def cell(slot: dict[str, Any]) -> str:
        return f"cell-{slot['day']}-{slot['period']}"

    changes = [
        {
            "course": m["course"],
            "moved": True,
            "cell_id": cell(m["to"]),
            "text": f"{where(m['from'])} → {where(m['to'])}",
        }
        for m in diff["moved"]
    ]
    changes += [
        {"course": a["course"], "moved": False, "cell_id": cell(a), "text": f"added at {where(a)}"}
        for a in diff["added"]
    ]
    changes += [
        {"course": r["course"], "moved": False, "cell_id": "", "text": f"removed from {where(r)}"}
        for r in diff["removed"]
    ]
    return changes
