"""Pure-Python timetabling core: problem model, ITC-2007 formats and the exact verifier."""

from .formats import (
    FormatError,
    format_problem,
    format_solution,
    parse_problem,
    parse_solution,
    read_problem,
    read_solution,
)
from .formulations import FORMULATIONS
from .model import Assignment, Course, Curriculum, Problem, Room
from .verifier import Component, Verification, Violation, verify

__all__ = [
    "FORMULATIONS",
    "Assignment",
    "Component",
    "Course",
    "Curriculum",
    "FormatError",
    "Problem",
    "Room",
    "Verification",
    "Violation",
    "format_problem",
    "format_solution",
    "parse_problem",
    "parse_solution",
    "read_problem",
    "read_solution",
    "verify",
]

# CP-SAT generator, imported lazily: reading and verifying timetables never loads OR-Tools.
_GENERATOR_EXPORTS = (
    "ANY_ROOM",
    "GeneratorInputError",
    "Infeasible",
    "Progress",
    "Reason",
    "SolveResult",
    "solve",
)
__all__ += _GENERATOR_EXPORTS


def __getattr__(name: str):
    if name in _GENERATOR_EXPORTS:
        from . import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
