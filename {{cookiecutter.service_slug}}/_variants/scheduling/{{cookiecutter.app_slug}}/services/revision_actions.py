"""What the team does with whole revisions: restore an older one (a new revision copying its
lectures) and publish one (at most one per problem at a time)."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.exceptions import ConflictError

from ..errors import ErrorCode
from ..models import Problem, Revision
from ..selectors.revisions import revision_lectures
from .revisions import revision_store


@transaction.atomic
def revision_restore(*, revision: Revision, author: User | None = None) -> Revision:
    """A new latest revision with `revision`'s lectures and pins, noted "Restored #N".

    Refused (409) when the latest revision already has exactly those lectures and pins."""
    problem = revision.problem
    latest = Revision.objects.filter(problem=problem).order_by("-number").first()
    lectures = revision_lectures(revision=revision)
    if latest is not None and Counter(lectures) == Counter(revision_lectures(revision=latest)):
        same = "" if latest.pk == revision.pk else f"has the same timetable as #{latest.number},"
        raise ConflictError(
            f"Revision #{revision.number} {same or 'is'} the latest: "
            "restoring it would change nothing.",
            code=ErrorCode.NOTHING_TO_RESTORE,
            extra={"revision": revision.pk, "latest_revision": latest.pk},
        )
    return revision_store(
        problem=problem,
        lectures=lectures,
        origin=Revision.Origin.EDITED,
        parent=latest,
        author=author,
        formulation=revision.formulation,
        note=f"Restored #{revision.number}",
        expect_latest=latest.pk if latest is not None else None,
    )


@transaction.atomic
def revision_publish(*, revision: Revision) -> Problem:
    """Make `revision` its problem's published timetable (in place of the one before).

    Refused (409) for a revision with hard violations; publishing it again changes nothing."""
    problem = Problem.objects.select_for_update().get(pk=revision.problem_id)
    if problem.published_revision_id == revision.pk:
        return problem
    if revision.hard_violations:
        raise ConflictError(
            f"Revision #{revision.number} has {revision.hard_violations} hard violation(s): "
            "mend them before publishing it.",
            code=ErrorCode.NOT_PUBLISHABLE,
            extra={"revision": revision.pk, "hard_violations": revision.hard_violations},
        )
    problem.published_revision = revision
    problem.published_at = timezone.now()
    problem.save(update_fields=["published_revision", "published_at"])
    return problem


@transaction.atomic
def problem_unpublish(*, problem: Problem) -> Problem:
    """No published timetable for the problem any more (nothing to do when there is none)."""
    Problem.objects.filter(pk=problem.pk).update(published_revision=None, published_at=None)
    problem.refresh_from_db(fields=["published_revision", "published_at"])
    return problem
