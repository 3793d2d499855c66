"""Pin or unpin many lectures at once (a curriculum's, a teacher's, a day's, or a list of them),
as one new revision."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction

from core.exceptions import ConflictError

from ..errors import ErrorCode
from ..lectures import Edit, Pin
from ..models import Revision
from ..selectors.lecture_choice import LectureChoice, revision_lecture_choice
from .revisions import revision_create_edited


def pin_edit_build(*, choice: LectureChoice, pinned: bool) -> Edit:
    """Pin (or unpin) those of the chosen lectures that are not so already, noted like
    "Pinned 12 lectures of curriculum Cur1"; refused (409) when none would change."""
    pins = [Pin(lec.course, lec.slot, pinned) for lec in choice.lectures if lec.pinned != pinned]
    verb = "Pinned" if pinned else "Unpinned"
    if not pins:
        state = "pinned" if pinned else "unpinned"
        what = choice.describe(len(choice.lectures))
        if not choice.lectures:
            reason = f"there are {what}"
        elif len(choice.lectures) == 1:
            reason = f"the {what} is {state} already"
        else:
            reason = f"all {what} are {state} already"
        raise ConflictError(
            f"Nothing to {'pin' if pinned else 'unpin'}: {reason}.",
            code=ErrorCode.NOTHING_TO_PIN,
            extra={"scope": choice.scope, "chosen": len(choice.lectures), "pinned": pinned},
        )
    return Edit(pins=tuple(pins), note=f"{verb} {choice.describe(len(pins))}")


@transaction.atomic
def revision_pin_chosen(
    *,
    base: Revision,
    pinned: bool,
    curriculum: str | None = None,
    teacher: str | None = None,
    day: int | None = None,
    keys: Sequence[str] | None = None,
    author: User | None = None,
) -> Revision:
    """A new revision: `base` with the chosen lectures (selectors.lecture_choice) pinned or
    unpinned. `base` must be the latest (409 `stale_revision`); 409 `nothing_to_pin` when
    every chosen lecture is so already."""
    choice = revision_lecture_choice(
        revision=base, curriculum=curriculum, teacher=teacher, day=day, keys=keys
    )
    edit = pin_edit_build(choice=choice, pinned=pinned)
    return revision_create_edited(base=base, pins=edit.pins, author=author, note=edit.note)
