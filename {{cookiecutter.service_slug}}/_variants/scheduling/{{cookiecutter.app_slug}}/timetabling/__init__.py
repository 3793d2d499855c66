"""Pure-Python timetabling core: problem model, ITC-2007 formats, the formulation catalogue,
the exact verifier and (imported on first use) the generator. No Django, Celery or DRF.

Layout: `model` (the problem and its lectures), `formulations` (the catalogue of formulations,
weights and what the generator optimises), `formats/` (ITC-2007 files), `verifier/` (the oracle),
`placement` (where one lecture could go, by the verifier), `generator/` (CP-SAT and annealing;
its public names are this package's too), `tools/` (command line and benchmarks), `data/`
(examples).
"""

from typing import TYPE_CHECKING

from . import formats, placement
from .formats import *  # noqa: F403  (the formats' public names are this package's)
from .formulations import FORMULATIONS
from .model import DAY_NAMES, Assignment, Course, Curriculum, Problem, Room, day_name, week_fault
from .verifier import Component, Verification, Violation, verify

__all__ = [
    *formats.__all__,
    "DAY_NAMES",
    "FORMULATIONS",
    "Assignment",
    "Component",
    "Course",
    "Curriculum",
    "Problem",
    "Room",
    "Verification",
    "Violation",
    "day_name",
    "placement",
    "verify",
    "week_fault",
]


if TYPE_CHECKING:  # what __getattr__ below returns, for type checkers
    from .generator import *  # noqa: F403


def __getattr__(name: str) -> object:
    """The generator's public names (`solve`, `feasibility_check`, ...), imported on first use:
    reading and verifying timetables never loads OR-Tools."""
    # Dunder lookups (by inspect, pickle...) need no OR-Tools; and `from . import generator`
    # asks this function for "generator" before it imports the subpackage.
    if name.startswith("__") or name == "generator":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import generator

    if name in generator.__all__:
        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
