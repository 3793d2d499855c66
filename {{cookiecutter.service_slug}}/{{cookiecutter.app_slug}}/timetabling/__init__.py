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
