"""Writes of drafts: a person's working set on the latest revision. Edits collect in it (undo
and redo move its position), and it is saved as one revision with a note, or discarded."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.models import User
from django.db import transaction

from core.exceptions import ConflictError

from ..errors import ErrorCode
from ..lectures import Edit
from ..models import Draft, Problem, Revision
from ..selectors.drafts import draft_edits, draft_lectures
from ..selectors.revisions import revision_lectures
from .revisions import edited_lectures, revision_store


def draft_start(*, problem: Problem, author: User) -> Draft:
    """The author's draft on the problem's latest revision (their open one, if any)."""
    latest = Revision.objects.filter(problem=problem).order_by("-number").first()
    if latest is None:
        raise ConflictError(
            "The problem has no timetable yet: generate or import one first.",
            code=ErrorCode.NO_REVISION,
        )
    draft, _ = Draft.objects.get_or_create(
        problem=problem, author=author, defaults={"base": latest}
    )
    return draft


@transaction.atomic
def draft_add(*, draft: Draft, edit: Edit) -> Draft:
    """Make `edit` in the draft (checked against its lectures; undone edits are dropped)."""
    draft = _locked(draft)
    edited_lectures(draft_lectures(draft=draft), [edit])  # a missing lecture: 400, kept out
    draft.edits = [*draft.edits[: draft.position], edit.to_dict()]
    draft.position = len(draft.edits)
    draft.save(update_fields=["edits", "position", "updated_at"])
    return draft


@transaction.atomic
def draft_begin(*, problem: Problem, author: User, edit: Edit) -> Draft:
    """The author's first edit of the latest revision, as a new draft holding it (none is left
    behind when the edit is refused)."""
    return draft_add(draft=draft_start(problem=problem, author=author), edit=edit)


@transaction.atomic
def draft_undo(*, draft: Draft) -> Edit:
    """Take back the draft's last edit (it can be redone); the edit undone."""
    draft = _locked(draft)
    if draft.position == 0:
        raise ConflictError("Nothing to undo in the draft.", code=ErrorCode.NOTHING_TO_UNDO)
    draft.position -= 1
    draft.save(update_fields=["position", "updated_at"])
    return draft_edits(draft=draft)[draft.position]


@transaction.atomic
def draft_redo(*, draft: Draft) -> Edit:
    """Make again the edit undone last; the edit redone."""
    draft = _locked(draft)
    if draft.position >= len(draft.edits):
        raise ConflictError("Nothing to redo in the draft.", code=ErrorCode.NOTHING_TO_REDO)
    draft.position += 1
    draft.save(update_fields=["position", "updated_at"])
    return draft_edits(draft=draft)[draft.position - 1]


@transaction.atomic
def draft_save(*, draft: Draft, note: str = "") -> Revision:
    """The draft as one new revision (its base must still be the latest; 409 otherwise), then
    the draft is gone. A draft that changes nothing is refused and kept."""
    draft = _locked(draft)
    lectures = draft_lectures(draft=draft)
    if Counter(lectures) == Counter(revision_lectures(revision=draft.base)):
        raise ConflictError(
            "Nothing to save: the draft changes nothing in the timetable.",
            code=ErrorCode.NOTHING_TO_SAVE,
        )
    notes = [edit.note for edit in draft_edits(draft=draft)[: draft.position] if edit.note]
    revision = revision_store(
        problem=draft.problem,
        lectures=lectures,
        origin=Revision.Origin.EDITED,
        parent=draft.base,
        author=draft.author,
        formulation=draft.base.formulation,
        note=note.strip() or "; ".join(notes),
        expect_latest=draft.base_id,
    )
    draft.delete()
    return revision


def draft_discard(*, draft: Draft) -> None:
    Draft.objects.filter(pk=draft.pk).delete()


def _locked(draft: Draft) -> Draft:
    """The draft's row, locked for this transaction (two tabs of one person edit in turn)."""
    locked = Draft.objects.select_for_update().select_related("base", "problem", "author")
    found = locked.filter(pk=draft.pk).first()
    if found is None:
        raise ConflictError(
            "The draft is gone: it was saved or discarded meanwhile.", code=ErrorCode.NO_DRAFT
        )
    return found
