"""API of edits of many lectures at once: pin or unpin a curriculum's, a teacher's, a day's
lectures or a list of them, as one new revision."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.auth import signed_in_user

from ..selectors.lecture_choice import SCOPES
from ..selectors.revisions import revision_get
from ..services.bulk_pins import revision_pin_chosen
from .common import ERROR, SchedulingApi, get_or_404, valid
from .revisions import RevisionOutput


class BulkPinInput(serializers.Serializer[Any]):
    pinned = serializers.BooleanField(help_text="true: pin them; false: unpin them.")
    curriculum = serializers.CharField(max_length=64, required=False)
    teacher = serializers.CharField(max_length=64, required=False)
    day = serializers.IntegerField(
        min_value=0, max_value=10_000, required=False, help_text="0-based, within the week."
    )
    lectures = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        allow_empty=False,
        max_length=10_000,
        help_text="Lecture keys, `course|day|period|room`.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in SCOPES if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Give exactly one of curriculum, teacher, day, lectures"
                + (f" (got {', '.join(given)})." if given else ".")
            )
        return attrs


class RevisionPinsApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="revisions_pins",
        request=BulkPinInput,
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        examples=[
            OpenApiExample("A curriculum", {"pinned": True, "curriculum": "Cur1"}),
            OpenApiExample(
                "Two lectures", {"pinned": False, "lectures": ["Geotec|0|3|rA", "ArcTec|1|2|rB"]}
            ),
        ],
    )
    def post(self, request: Request, revision_id: int) -> Response:
        """A new revision with the chosen lectures pinned (or unpinned), noted like "Pinned 12
        lectures of curriculum Cur1"; 400 for an unknown curriculum, teacher or lecture or a
        day outside the week, 409 `stale_revision` unless this is the latest revision, 409
        `nothing_to_pin` when every chosen lecture is so already."""
        base = get_or_404(revision_get, "Revision", revision_id=revision_id)
        data = valid(BulkPinInput, request.data)
        revision = revision_pin_chosen(
            base=base,
            pinned=data["pinned"],
            curriculum=data.get("curriculum"),
            teacher=data.get("teacher"),
            day=data.get("day"),
            keys=data.get("lectures"),
            author=signed_in_user(request),
        )
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)
