"""Reading whitespace-separated text safely: size and encoding checks, a line cursor, numbers.

Anything malformed raises `FormatError` with the line it was found on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Real instances are below 100 kB; the cap keeps junk uploads from being read in full.
MAX_INPUT_BYTES = 5 * 1024 * 1024
# Bounds any number field so later dense arrays (days x periods) stay small.
MAX_NUMBER = 1_000_000

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class FormatError(ValueError):
    """Malformed problem or solution text; `line` is 1-based when the fault has a place, and
    `column` names the field of a table (CSV) it is in."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        source: str | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.source = source
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}, line {self.line}"
        if self.column is not None:
            where = f"{where}, column {self.column}"
        return f"{where}: {self.message}"

    def with_source(self, source: str) -> FormatError:
        return FormatError(self.message, line=self.line, source=source, column=self.column)

    def __reduce__(
        self,
    ) -> tuple[type[FormatError], tuple[str, int | None, str | None, str | None]]:
        # Keeps the fields when pickled (Celery results, multiprocessing).
        return (FormatError, (self.message, self.line, self.source, self.column))


def decode(data: str | bytes) -> str:
    """Size-check, decode and screen out binary content; raises FormatError without source."""
    size = len(data)
    if size > MAX_INPUT_BYTES:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        raise FormatError(
            f"input is {size} {unit}, larger than the {MAX_INPUT_BYTES // (1024 * 1024)} MB limit"
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FormatError("not UTF-8 text (binary data?)", line=line) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    bad = _CONTROL_CHARS.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise FormatError(f"control character {bad.group()!r} (binary data?)", line=line)
    return text


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise FormatError(
            f"file is {size} bytes, larger than the {MAX_INPUT_BYTES // (1024 * 1024)} MB limit",
            source=path.name,
        )


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    tokens: list[str]
    text: str


class Reader:
    """Cursor over the non-blank lines of a text, remembering line numbers."""

    def __init__(self, text: str) -> None:
        self._lines = [
            Line(i, raw.split(), raw.strip())
            for i, raw in enumerate(text.split("\n"), start=1)
            if raw.strip()
        ]
        self._pos = 0
        self.last_line = text.count("\n") + 1

    def peek(self) -> Line | None:
        return self._lines[self._pos] if self._pos < len(self._lines) else None

    def next(self, expecting: str) -> Line:
        line = self.peek()
        if line is None:
            raise FormatError(f"unexpected end of file: expected {expecting}", line=self.last_line)
        self._pos += 1
        return line


def is_section_marker(line: Line) -> bool:
    if len(line.tokens) != 1:
        return False
    tok = line.tokens[0]
    return tok == "END." or (tok.endswith(":") and tok[:-1].replace("_", "").isupper())


def integer(token: str, what: str, line: int, *, minimum: int = 0) -> int:
    # Plain decimal digits only: int() would also take "+5", "1_000" or Unicode digits.
    body = token[1:] if token.startswith("-") else token
    if not (body.isascii() and body.isdigit()):
        raise FormatError(f"{what} must be a whole number, got {token[:20]!r}", line=line)
    if len(body) > len(str(MAX_NUMBER)):
        raise FormatError(f"{what} is out of range, got {token[:20]!r}", line=line)
    value = int(token)
    if value < minimum:
        raise FormatError(f"{what} must be at least {minimum}, got {value}", line=line)
    if value > MAX_NUMBER:
        raise FormatError(f"{what} must be at most {MAX_NUMBER}, got {value}", line=line)
    return value


def check_token(kind: str, value: str) -> None:
    # The formats are whitespace-separated: such an id would silently shift every field.
    if not value or any(ch.isspace() for ch in value):
        raise ValueError(f"{kind} {value!r} cannot be written: ids must be non-empty, no blanks")
