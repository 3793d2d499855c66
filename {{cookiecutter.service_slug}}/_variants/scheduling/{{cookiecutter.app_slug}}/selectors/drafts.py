"""Reads of drafts: a person's draft on a problem, its edits, and the timetable it makes."""

from __future__ import annotations

from typing import Any

from .. import timetabling
from ..lectures import Edit, Lecture, apply_edits
from ..models import Draft
from .revisions import revision_lectures, timetable_verify


def draft_get(*, problem_id: int, author: Any) -> Draft | None:
    if not getattr(author, "is_authenticated", False):
        return None
    return (
        Draft.objects.select_related("base", "problem")
        .filter(problem_id=problem_id, author=author)
        .first()
    )


def draft_edits(*, draft: Draft) -> list[Edit]:
    """Every edit of the draft, those undone included (from `draft.position` on)."""
    return [Edit.from_dict(data) for data in draft.edits]


def draft_lectures(*, draft: Draft) -> list[Lecture]:
    """The base revision's lectures with the draft's edits (up to its position) made."""
    edits = draft_edits(draft=draft)[: draft.position]
    return apply_edits(revision_lectures(revision=draft.base), edits)


def draft_timetable(*, draft: Draft) -> tuple[list[Lecture], timetabling.Verification]:
    """The draft's lectures and their verification under the base's formulation."""
    lectures = draft_lectures(draft=draft)
    verification = timetable_verify(
        problem=draft.problem,
        assignments=[lec.assignment for lec in lectures],
        formulation=draft.base.formulation,
    )
    return lectures, verification
