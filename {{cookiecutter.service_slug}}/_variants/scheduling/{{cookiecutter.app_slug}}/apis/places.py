"""API of guided moves: where one lecture of a revision could go, every other period of the week
with the room it would take and what the verifier says the move would change. It computes and
writes nothing, so every signed-in user may call it (the pages' "Find a place" asks the same)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ConflictError, NotFoundError

from ..errors import ErrorCode
from ..lectures import Lecture
from ..models import Revision
from ..selectors.placement import lecture_places
from ..selectors.revisions import revision_get, revision_verification
from ..timetabling.placement import Placement, best_placements
from .common import ERROR, SchedulingApi, get_or_404, valid
from .revisions import LectureOutput
from .verification import ViolationOutput


class PlacesQuery(serializers.Serializer[Any]):
    """The lecture, named as the revision holds it (the fields of a move's `from`)."""

    course = serializers.CharField(max_length=64)
    day = serializers.IntegerField(min_value=0, max_value=10_000)
    period = serializers.IntegerField(min_value=0, max_value=10_000)
    room = serializers.CharField(max_length=64)


class PlaceOutput(serializers.Serializer[Any]):
    day = serializers.IntegerField()
    period = serializers.IntegerField()
    room = serializers.CharField()
    room_free = serializers.BooleanField(help_text="False: another lecture holds the room then.")
    kind = serializers.ChoiceField(choices=["hard", "soft", "clean"])
    hard = serializers.IntegerField(help_text="Change in hard violations.")
    cost = serializers.IntegerField(help_text="Change in soft cost.")
    added = ViolationOutput(many=True)
    removed = ViolationOutput(many=True)


class PlacesOutput(serializers.Serializer[Any]):
    revision = serializers.IntegerField()
    formulation = serializers.CharField()
    lecture = LectureOutput()
    places = PlaceOutput(many=True, help_text="Best first: fewest hard, then least cost.")


class RevisionPlacesApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_places",
        parameters=[PlacesQuery],
        responses={200: PlacesOutput, 400: ERROR, 404: ERROR, 409: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> Response:
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        query = valid(PlacesQuery, request.query_params)
        _require_current(revision)
        lectures, verification = revision_verification(revision=revision)
        wanted = Lecture(query["course"], query["room"], query["day"], query["period"])
        places = lecture_places(
            problem=revision.problem, lectures=lectures, verification=verification, lecture=wanted
        )
        if places is None:
            raise NotFoundError(
                f"Revision #{revision.number} has no lecture of {wanted.course} in room "
                f"{wanted.room} on day {wanted.day} period {wanted.period}.",
                code=ErrorCode.LECTURE_NOT_FOUND,
                extra=query,
            )
        ranked = best_placements(places.placements, len(places.placements))
        return Response(
            {
                "revision": revision.pk,
                "formulation": verification.formulation,
                "lecture": places.lecture.to_dict(),
                "places": [_place(p) for p in ranked],
            }
        )


def _require_current(revision: Revision) -> None:
    """Places are measured against the problem as it is now: a revision made for an older
    version may name courses or rooms that changed since."""
    if revision.for_earlier_version:
        raise ConflictError(
            f"Revision #{revision.number} was made for version {revision.problem_version} of "
            f"the problem, which is now at version {revision.problem.version}: places are "
            "measured against the current version, so ask them of a revision made for it.",
            code=ErrorCode.STALE_REVISION,
            extra={"problem_version": revision.problem.version},
        )


def _place(place: Placement) -> dict[str, Any]:
    outcome = place.outcome
    return {
        "day": place.day,
        "period": place.period,
        "room": place.room,
        "room_free": place.room_free,
        "kind": outcome.kind,
        "hard": outcome.hard,
        "cost": outcome.cost,
        "added": [v.to_dict() for v in outcome.added],
        "removed": [v.to_dict() for v in outcome.removed],
    }
