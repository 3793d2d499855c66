"""Readers and writers for the ITC-2007 track-3 file formats.

`.ctt` is the competition format and `.ectt` the extended one from the CB-CTT benchmark site; both
are whitespace-separated text. Problems are parsed strictly: anything malformed raises
`FormatError` with the line it was found on, and no partial `Problem` is ever returned. Solutions
are parsed leniently (no cross-check against a problem) because the verifier must report unknown
ids the way the official validator does. A term can also come as CSV files in a zip (`workbook`),
where names may hold blanks; `itc_names` maps them to tokens for the ITC files.
"""

from ..model import MAX_SLOTS
from .itc_names import ItcNames, itc_names
from .problem_reader import parse_problem, read_problem
from .problem_writer import format_problem
from .solution import format_solution, parse_solution, read_solution
from .text import MAX_INPUT_BYTES, MAX_NUMBER, FormatError
from .workbook import format_workbook, parse_workbook

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NUMBER",
    "MAX_SLOTS",
    "FormatError",
    "ItcNames",
    "format_problem",
    "format_solution",
    "format_workbook",
    "itc_names",
    "parse_problem",
    "parse_solution",
    "parse_workbook",
    "read_problem",
    "read_solution",
]
