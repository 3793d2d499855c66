"""What the verifier reports: each penalised fact, each component's total, and the summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..formulations import Term


@dataclass(frozen=True, slots=True)
class Violation:
    """One penalised fact; `cost` is what it adds to its component (weighted if soft)."""

    component: str
    hard: bool
    cost: int
    message: str
    courses: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    curricula: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()
    day: int | None = None
    period: int | None = None  # period within the day

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "hard": self.hard,
            "cost": self.cost,
            "message": self.message,
            "courses": list(self.courses),
            "rooms": list(self.rooms),
            "curricula": list(self.curricula),
            "teachers": list(self.teachers),
            "day": self.day,
            "period": self.period,
        }


@dataclass(frozen=True, slots=True)
class Component:
    """One line of the validator's summary: hard count or weighted soft cost."""

    name: str
    hard: bool
    weight: int
    value: int


@dataclass(frozen=True)
class Verification:
    formulation: str
    components: tuple[Component, ...]
    violations: tuple[Violation, ...]
    warnings: tuple[str, ...]
    hard_violations: int
    total_cost: int

    @property
    def feasible(self) -> bool:
        return self.hard_violations == 0

    @property
    def values(self) -> dict[str, int]:
        """Component name -> hard count or soft cost, in the validator's order."""
        return {c.name: c.value for c in self.components}

    @property
    def hard_values(self) -> dict[str, int]:
        return {c.name: c.value for c in self.components if c.hard}

    @property
    def soft_values(self) -> dict[str, int]:
        return {c.name: c.value for c in self.components if not c.hard}

    def to_dict(self) -> dict[str, Any]:
        return {
            "formulation": self.formulation,
            "feasible": self.feasible,
            "hard_violations": self.hard_violations,
            "total_cost": self.total_cost,
            "components": [
                {"name": c.name, "hard": c.hard, "weight": c.weight, "value": c.value}
                for c in self.components
            ],
            # The same numbers keyed by name, split like the validator's summary.
            "hard": self.hard_values,
            "soft": self.soft_values,
            "violations": [v.to_dict() for v in self.violations],
            "warnings": list(self.warnings),
        }

    def format_text(self, *, details: bool = False) -> str:
        """The validator's summary; with `details`, warnings and one line per violation first."""
        lines: list[str] = []
        if details:
            lines += [f"[W] {w}" for w in self.warnings]
            lines += [
                f"[H] {v.message}" if v.hard else f"[S({v.cost})] {v.message}"
                for v in self.violations
            ]
            lines.append("")
        for c in self.components:
            if c.hard:
                lines.append(f"Violations of {c.name} (hard) : {c.value}")
            else:
                lines.append(f"Cost of {c.name} (soft) : {c.value}")
        lines.append("")
        if self.hard_violations:
            summary = f"Violations = {self.hard_violations}, Total Cost = {self.total_cost}"
        else:
            summary = f"Total Cost = {self.total_cost}"
        lines.append(f"Summary: {summary}")
        return "\n".join(lines) + "\n"


def violation(term: Term, cost: int, message: str, **entities: Any) -> Violation:
    """A violation of `term` (its component name and hardness), naming the entities involved."""
    return Violation(term.component, term.hard, cost, message, **entities)
