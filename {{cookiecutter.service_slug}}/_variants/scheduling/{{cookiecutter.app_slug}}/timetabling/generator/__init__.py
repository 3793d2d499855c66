"""Timetable generator for curriculum-based course timetabling (ITC-2007 track 3).

Entry points::

    solve(problem, *, formulation="UD2", time_limit, workers=2, seed=0, base=None, pins=(),
          min_change_weight=None, on_progress=None, should_stop=None) -> SolveResult
    feasibility_check(problem, *, formulation="UD2", pins=()) -> Infeasible | None
    warm_up()  # compile the annealing kernel now (image builds, test sessions)

Parameters of `solve` (all keyword-only after `problem`):

* ``formulation``: "UD1".."UD5" or "ITC". Hard constraints are always enforced (UD4 also makes
  unsuitable rooms hard). The objective is every soft term of the formulation (the catalogue's
  `formulations.OPTIMISED`). Whatever the formulation, ``SolveResult.cost`` is the verifier's
  ``total_cost``.
* ``time_limit``: wall-clock seconds for the whole call (checks, construction and search).
* ``workers``: CP-SAT worker threads and annealing chains. ``seed``: seeds CP-SAT, the chains
  and the neighbourhood choice (runs are still time-dependent, hence not bit-for-bit
  reproducible).
* ``base``: a previous timetable. It is the starting point when it satisfies every hard
  constraint and pin, otherwise it is repaired, or used as a hint for the construction.
* ``pins``: assignments that must appear unchanged in the result. A pin whose ``room`` is
  ``ANY_ROOM`` ("*") or empty fixes only the course's period and lets the room change.
* ``min_change_weight``: with ``base``, minimise ``cost + W * moved`` where ``moved`` is the
  number of distinct ``(course, day, period, room)`` lectures of ``base`` that no longer
  appear in the result (a lecture that keeps its period but changes room counts as moved).
  ``None`` or 0: ``base`` is only a start or a hint.
* ``on_progress``: called with a `Progress` (phase, best cost, lower bound, elapsed seconds,
  moved lectures, iterations) at most every 0.5 s, and at every phase change. Exceptions
  raised by the callback propagate.
* ``should_stop``: polled about every 0.1 s; once it returns True the call returns the best
  timetable found so far with status "stopped" (or "infeasible"/"unknown" without one).

The modules are the search's strategies, each over one `context.SearchContext`:
`indexed_problem` (the problem as integers), `objective` (the cost of a timetable),
`penalties`, `period_model` and `sub_model` (the CP-SAT models), `construction`, `rooms`,
`repair`, `annealing` (with `annealing_kernel`, compiled, its terms in `annealing_terms`, its
Kempe-chain move in `annealing_kempe`, and `annealing_reference`, the Python twin of its
single moves), `neighbourhoods` and `lns`, `explain`
(infeasibility), and `search`, which runs them in order. Nothing outside this package imports
those modules (an import contract says so); everything public is here.
"""

from .annealing_kernel import warm_up
from .results import GeneratorInputError, Infeasible, Progress, Reason, SolveResult
from .search import ANY_ROOM, feasibility_check, solve

__all__ = [
    "ANY_ROOM",
    "GeneratorInputError",
    "Infeasible",
    "Progress",
    "Reason",
    "SolveResult",
    "feasibility_check",
    "solve",
    "warm_up",
]
