"""The error codes of the application: the `code` of the API's `{code, message, extra}` errors
and of a failed generation run. Clients match on these, so they only ever get added."""

from enum import StrEnum

from core.exceptions import ApplicationError


class ErrorCode(StrEnum):
    # A request the application cannot take (400, 413)
    TOO_LARGE = "too_large"
    INVALID_FILE = "invalid_file"
    INVALID_FORMAT = "invalid_format"
    INVALID_FORMULATION = "invalid_formulation"
    INVALID_TIME_LIMIT = "invalid_time_limit"
    INVALID_BASE_REVISION = "invalid_base_revision"
    INVALID_MIN_CHANGE_WEIGHT = "invalid_min_change_weight"
    INVALID_AGAINST = "invalid_against"
    INVALID_MODE = "invalid_mode"
    INVALID_TERM = "invalid_term"
    INVALID_NAME = "invalid_name"
    UNKNOWN_COURSE = "unknown_course"
    UNKNOWN_ROOM = "unknown_room"
    OUTSIDE_WEEK = "outside_week"
    LECTURE_NOT_FOUND = "lecture_not_found"
    INVALID_CHOICE = "invalid_choice"
    INVALID_LECTURE = "invalid_lecture"
    UNKNOWN_CURRICULUM = "unknown_curriculum"
    UNKNOWN_TEACHER = "unknown_teacher"
    # The state does not allow it (409)
    RUN_ACTIVE = "run_active"
    RUN_FINISHED = "run_finished"
    STALE_REVISION = "stale_revision"
    NAME_TAKEN = "name_taken"
    NOTHING_TO_RESTORE = "nothing_to_restore"
    NOT_PUBLISHABLE = "not_publishable"
    NOTHING_TO_PIN = "nothing_to_pin"
    NOTHING_TO_SAVE = "nothing_to_save"
    NOTHING_TO_UNDO = "nothing_to_undo"
    NOTHING_TO_REDO = "nothing_to_redo"
    NO_REVISION = "no_revision"
    NO_DRAFT = "no_draft"
    # No timetable can exist (422), or a run found none
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    # Why a generation run failed
    INVALID_INPUT = "invalid_input"
    TIME_LIMIT = "time_limit"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    INTERNAL_ERROR = "internal_error"


def too_large(limit: int) -> ApplicationError:
    """An uploaded file above SCHEDULING_MAX_UPLOAD_BYTES (413)."""
    return ApplicationError(
        f"The file is larger than {limit} bytes.",
        code=ErrorCode.TOO_LARGE,
        extra={"max_bytes": limit},
        status_code=413,
    )


def invalid_file(
    what: str,
    reason: str,
    line: int | None = None,
    *,
    part: str | None = None,
    column: str | None = None,
) -> ApplicationError:
    """An uploaded `what` ("problem", "solution") that cannot be read, with the place at fault:
    the line, and for a zip of CSV files the file in it (`part`) and the column."""
    places = [f"in {part}" if part else "", f"line {line}" if line else "",
              f"column {column}" if column else ""]  # fmt: skip
    where = ", ".join(p for p in places if p)
    return ApplicationError(
        f"The file is not a valid {what}: {reason}" + (f" ({where})" if where else ""),
        code=ErrorCode.INVALID_FILE,
        extra={"line": line, **({"file": part, "column": column} if part else {})},
    )
