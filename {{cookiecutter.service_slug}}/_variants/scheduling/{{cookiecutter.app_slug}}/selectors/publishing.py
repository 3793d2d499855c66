"""Reads of a problem's newest and published revisions, for the pages that watch them."""

from __future__ import annotations

from typing import Any

from ..models import Problem, Revision


def problem_revision_state(*, problem_id: int) -> dict[str, Any] | None:
    """The problem's latest and published revisions ({"id", "number"} each, or None); None
    for a problem that does not exist. Two small indexed queries: pages poll it."""
    published = Problem.objects.filter(pk=problem_id).values_list(
        "published_revision_id", flat=True
    )
    if not published:
        return None
    latest = (
        Revision.objects.filter(problem_id=problem_id)
        .order_by("-number")
        .values("id", "number")
        .first()
    )
    published_id = published[0]
    shown = (
        Revision.objects.filter(pk=published_id).values("id", "number").first()
        if published_id is not None
        else None
    )
    return {"latest": latest, "published": shown}
