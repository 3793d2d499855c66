"""What the generator reports: progress while it runs, the result, and why a problem is
infeasible. Plain data, shared by every strategy module and by callers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..model import Assignment


class GeneratorInputError(ValueError):
    """The request cannot be solved as given (unknown formulation, pins naming unknown
    courses or rooms, out-of-range periods, ...)."""


@dataclass(frozen=True)
class Progress:
    phase: str  # "checks" | "construct" | "repair" | "rooms" | "search" | "explain" | "done"
    elapsed: float
    best_cost: int | None  # modelled cost (equals the verifier's for UD1 and UD2)
    bound: int | None  # proven lower bound of the cost, when known
    moved: int | None = None  # lectures moved away from base (minimal-change mode)
    iterations: int = 0


@dataclass(frozen=True)
class Reason:
    """One reason the problem is infeasible: a sentence plus the entities involved."""

    code: str
    message: str
    courses: tuple[str, ...] = ()
    curricula: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    pins: tuple[int, ...] = ()  # indexes into the pins given to solve()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Infeasible:
    """Structured explanation returned with status "infeasible"."""

    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    proven: bool = True  # False: the search gave up without finding a timetable

    def to_dict(self) -> dict[str, Any]:
        return {"proven": self.proven, "reasons": [r.to_dict() for r in self.reasons]}

    def format_text(self) -> str:
        return "\n".join(f"- {r.message}" for r in self.reasons)


@dataclass(frozen=True)
class SolveResult:
    status: str  # "optimal" | "feasible" | "stopped" | "infeasible" | "unknown"
    assignments: tuple[Assignment, ...]
    cost: int | None  # verifier's total cost of `assignments`
    bound: int | None
    formulation: str
    elapsed: float
    first_feasible_seconds: float | None
    moved: int | None = None
    iterations: int = 0
    components: dict[str, int] = field(default_factory=dict)
    infeasible: Infeasible | None = None
    moves: int = 0  # annealing moves tried, over all chains
    anneal_seconds: float = 0.0  # time spent annealing (moves / anneal_seconds: the search speed)

    @property
    def feasible(self) -> bool:
        return bool(self.assignments) or self.status in ("optimal", "feasible")
