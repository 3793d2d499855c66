"""API of revisions: list and import, read (cached, with ETags), edit, compare."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.auth import signed_in_user
from core.exceptions import ApplicationError
from core.pagination import PAGE_PARAMETERS, paginated_response, paginated_schema
from core.throttling import WriteRateThrottle
from core.token_api import etag_matches, immutable

from ..errors import ErrorCode
from ..lectures import Move, Pin, Slot
from ..models import Revision
from ..selectors.problems import problem_get
from ..selectors.revisions import (
    revision_body,
    revision_diff,
    revision_get,
    revision_lectures,
    revision_list,
)
from ..services.revisions import revision_create_edited, revision_import
from .common import ERROR, SchedulingApi, check_upload_size, get_or_404, valid
from .verification import FORMULATIONS


class RevisionOutput(serializers.ModelSerializer[Revision]):
    author = serializers.CharField(source="author.username", default=None)

    class Meta:
        model = Revision
        fields = [
            "id",
            "problem",
            "number",
            "parent",
            "origin",
            "formulation",
            "cost",
            "hard_violations",
            "total_cost",
            "author",
            "note",
            "created_at",
            "problem_version",
        ]


class LectureOutput(serializers.Serializer[Any]):
    course = serializers.CharField()
    room = serializers.CharField()
    day = serializers.IntegerField()
    period = serializers.IntegerField()
    pinned = serializers.BooleanField()


class RevisionDetailOutput(RevisionOutput):
    assignments = LectureOutput(many=True)

    class Meta(RevisionOutput.Meta):
        fields = [*RevisionOutput.Meta.fields, "assignments"]


class SlotInput(serializers.Serializer[Any]):
    day = serializers.IntegerField(min_value=0, max_value=10_000)
    period = serializers.IntegerField(min_value=0, max_value=10_000)
    room = serializers.CharField(max_length=64)


class TargetSlotInput(SlotInput):
    room = serializers.CharField(max_length=64, required=False, help_text="Default: same room.")


class MoveInput(serializers.Serializer[Any]):
    course = serializers.CharField(max_length=64)
    to = TargetSlotInput()


MoveInput._declared_fields["from"] = SlotInput()  # "from" is a keyword in Python


class PinInput(SlotInput):
    course = serializers.CharField(max_length=64)
    pinned = serializers.BooleanField(default=True)


class RevisionEditInput(serializers.Serializer[Any]):
    moves = MoveInput(many=True, required=False, default=list)
    pins = PinInput(many=True, required=False, default=list)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["moves"] and not attrs["pins"]:
            raise serializers.ValidationError("Give at least one move or pin.")
        return attrs


class RevisionImportInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="An ITC-2007 solution file (course room day period).")
    formulation = serializers.ChoiceField(choices=FORMULATIONS, default="UD2")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DiffSlotOutput(serializers.Serializer[Any]):
    day = serializers.IntegerField()
    period = serializers.IntegerField()
    room = serializers.CharField()


class DiffMoveOutput(serializers.Serializer[Any]):
    course = serializers.CharField()
    to = DiffSlotOutput()


DiffMoveOutput._declared_fields["from"] = DiffSlotOutput()


class DiffLectureOutput(DiffSlotOutput):
    course = serializers.CharField()


class CostChangeOutput(serializers.Serializer[Any]):
    total_cost = serializers.IntegerField()
    hard_violations = serializers.IntegerField()


class DiffOutput(serializers.Serializer[Any]):
    revision = serializers.IntegerField()
    against = serializers.IntegerField()
    moved = DiffMoveOutput(many=True)
    added = DiffLectureOutput(many=True)
    removed = DiffLectureOutput(many=True)
    unchanged = serializers.IntegerField()
    cost_change = CostChangeOutput()


class RevisionListApi(SchedulingApi):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "uploads"

    @extend_schema(
        operation_id="revisions_list",
        parameters=PAGE_PARAMETERS,
        responses=paginated_schema(RevisionOutput),
    )
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return paginated_response(
            revision_list(problem=problem), RevisionOutput, request=request, view=self
        )

    @extend_schema(
        operation_id="revisions_import",
        request={"multipart/form-data": RevisionImportInput},
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 413: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        check_upload_size(request)
        data = valid(RevisionImportInput, request.data)
        revision = revision_import(
            problem=problem,
            file=data["file"].read(),
            formulation=data["formulation"],
            author=signed_in_user(request),
            note=data["note"],
        )
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)


def _revision_body(revision: Revision) -> bytes:
    data = RevisionOutput(revision).data
    data["assignments"] = [lec.to_dict() for lec in revision_lectures(revision=revision)]
    return JSONRenderer().render(data)


class RevisionDetailApi(SchedulingApi):
    """A revision with its assignments. Revisions never change: the ETag and body are cached
    together (`selectors.revisions.revision_body`), If-None-Match is answered 304, and a
    token's repeated reads are answered before the framework (`core.token_api`)."""

    @extend_schema(
        operation_id="revisions_retrieve",
        responses={200: RevisionDetailOutput, 304: None, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> HttpResponse:
        etag, body = get_or_404(
            revision_body, "Revision", revision_id=revision_id, render=_revision_body
        )
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            return immutable(HttpResponse(status=304, headers=headers))
        return immutable(HttpResponse(body, content_type="application/json", headers=headers))


class RevisionEditApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="revisions_edit",
        request=RevisionEditInput,
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, revision_id: int) -> Response:
        base = get_or_404(revision_get, "Revision", revision_id=revision_id)
        data = valid(RevisionEditInput, request.data)
        moves = [Move(m["course"], _slot(m["from"]), _slot(m["to"])) for m in data["moves"]]
        pins = [Pin(p["course"], _slot(p), p["pinned"]) for p in data["pins"]]
        revision = revision_create_edited(
            base=base, moves=moves, pins=pins, author=signed_in_user(request), note=data["note"]
        )
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)


def _slot(data: dict[str, Any]) -> Slot:
    return Slot(data["day"], data["period"], data.get("room"))


class RevisionDiffApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_diff",
        parameters=[OpenApiParameter("against", int, required=True)],
        responses={200: DiffOutput, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> Response:
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        against_id = request.query_params.get("against", "")
        if not against_id.isdigit():
            raise ApplicationError("against must be a revision id.", code=ErrorCode.INVALID_AGAINST)
        against = get_or_404(revision_get, "Revision", revision_id=int(against_id))
        if against.problem_id != revision.problem_id:
            raise ApplicationError(
                "Both revisions must belong to the same problem.", code=ErrorCode.INVALID_AGAINST
            )
        return Response(revision_diff(revision=revision, against=against))
