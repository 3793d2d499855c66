"""Readers and writers for the ITC-2007 track-3 file formats.

`.ctt` is the competition format and `.ectt` the extended one from the CB-CTT benchmark site; both
are whitespace-separated text. Problems are parsed strictly: anything malformed raises
`FormatError` with the line it was found on, and no partial `Problem` is ever returned. Solutions
are parsed leniently (no cross-check against a problem) because the verifier must report unknown
ids the way the official validator does.
"""

from .problem_reader import parse_problem, read_problem
from .problem_writer import format_problem
from .solution import format_solution, parse_solution, read_solution
from .text import MAX_INPUT_BYTES, MAX_NUMBER, MAX_SLOTS, FormatError

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NUMBER",
    "MAX_SLOTS",
    "FormatError",
    "format_problem",
    "format_solution",
    "parse_problem",
    "parse_solution",
    "read_problem",
    "read_solution",
]
