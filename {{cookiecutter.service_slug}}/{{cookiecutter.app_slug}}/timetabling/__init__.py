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
from .model import Assignment, Course, Curriculum, Problem, Room

__all__ = [
    "Assignment",
    "Course",
    "Curriculum",
    "FormatError",
    "Problem",
    "Room",
    "format_problem",
    "format_solution",
    "parse_problem",
    "parse_solution",
    "read_problem",
    "read_solution",
]
