"""REST API of the scheduling app: thin views over services (writes) and selectors (reads)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError, NotFoundError
from core.pagination import PAGE_PARAMETERS, paginated_response, paginated_schema

from . import timetabling as core
from .models import Course, Curriculum, GenerationRun, Problem, Revision, Room
from .scheduling.exports import export_csv, export_ics, export_solution, select_lectures
from .scheduling.permissions import IsSchedulerOrReadOnly
from .selectors import (
    assignments_verify,
    course_get,
    course_list,
    curriculum_get,
    curriculum_list,
    problem_get,
    problem_list,
    problem_to_core,
    revision_cache_body,
    revision_cached_body,
    revision_diff,
    revision_etag,
    revision_get,
    revision_lectures,
    revision_list,
    revision_verify,
    room_get,
    room_list,
    run_get,
    run_list,
)
from .services import (
    GENERATOR_FORMULATIONS,
    Move,
    Pin,
    course_update,
    curriculum_update,
    problem_delete,
    problem_import,
    revision_create_edited,
    revision_import,
    room_update,
    run_cancel,
    run_start,
)

VERIFY_FORMULATIONS = ["UD1", "UD2", "UD3", "UD4", "UD5", "ITC"]
ERROR = OpenApiResponse(description="Error: {code, message, extra}")


class SchedulingApi(APIView):
    # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsSchedulerOrReadOnly]
    read_only_post = False  # True: POST computes without writing (open to every reader)


class IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not a DRF renderer."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        return renderers[0], renderers[0].media_type


MAX_ID = 2**63 - 1  # ids beyond a BIGINT cannot exist (and SQLite cannot even compare them)


def _get(getter: Any, what: str, **kwargs: int) -> Any:
    value = next(iter(kwargs.values()))
    obj = getter(**kwargs) if 0 < value <= MAX_ID else None
    if obj is None:
        raise NotFoundError(f"{what} {value} does not exist.")
    return obj


MULTIPART_OVERHEAD = 64 * 1024  # room for the form's other fields and boundaries


def _check_upload_size(request: Request) -> None:
    """413 for a file over SCHEDULING_MAX_UPLOAD_BYTES: from Content-Length before the body is
    read when it already says so, else from the uploaded file's size, never by parsing it."""
    limit = int(getattr(settings, "SCHEDULING_MAX_UPLOAD_BYTES", 2 * 1024 * 1024))
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    upload = None if declared > limit + MULTIPART_OVERHEAD else request.FILES.get("file")
    if declared > limit + MULTIPART_OVERHEAD or (upload is not None and upload.size > limit):
        raise ApplicationError(
            f"The file is larger than {limit} bytes.",
            code="too_large",
            extra={"max_bytes": limit},
            status_code=413,
        )


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _file_response(body: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ------------------------------------------------------------------------------ serializers
class ProblemOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)
    courses_count = serializers.IntegerField()
    rooms_count = serializers.IntegerField()
    curricula_count = serializers.IntegerField()
    lectures_count = serializers.IntegerField()
    latest_revision = serializers.IntegerField(source="latest_revision_id", allow_null=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "name",
            "days",
            "periods_per_day",
            "min_daily_lectures",
            "max_daily_lectures",
            "source_format",
            "version",
            "created_by",
            "created_at",
            "courses_count",
            "rooms_count",
            "curricula_count",
            "lectures_count",
            "latest_revision",
        ]


class ProblemImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="An ITC-2007 .ctt or .ectt file.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CourseOutput(serializers.ModelSerializer):
    curricula = serializers.SerializerMethodField()
    unavailable = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "teacher",
            "lectures",
            "min_working_days",
            "students",
            "double_lectures",
            "curricula",
            "unavailable",
        ]

    def get_curricula(self, course: Course) -> list[str]:
        return [q.code for q in course.curricula.all()]

    def get_unavailable(self, course: Course) -> list[list[int]]:
        return [[u.day, u.period] for u in course.unavailability.all()]


class CourseUpdateInput(serializers.Serializer):
    teacher = serializers.RegexField(r"^\S+$", max_length=64, required=False)
    lectures = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    min_working_days = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    students = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    double_lectures = serializers.BooleanField(required=False)


class RoomOutput(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "code", "capacity", "site"]


class RoomUpdateInput(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    site = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class CurriculumOutput(serializers.ModelSerializer):
    courses = serializers.SerializerMethodField()

    class Meta:
        model = Curriculum
        fields = ["id", "code", "courses"]

    def get_courses(self, curriculum: Curriculum) -> list[str]:
        return [c.code for c in curriculum.courses.all()]


class RevisionOutput(serializers.ModelSerializer):
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
        ]


class LectureOutput(serializers.Serializer):
    course = serializers.CharField()
    room = serializers.CharField()
    day = serializers.IntegerField()
    period = serializers.IntegerField()
    pinned = serializers.BooleanField()


class RevisionDetailOutput(RevisionOutput):
    assignments = LectureOutput(many=True)

    class Meta(RevisionOutput.Meta):
        fields = [*RevisionOutput.Meta.fields, "assignments"]


class SlotInput(serializers.Serializer):
    day = serializers.IntegerField(min_value=0, max_value=10_000)
    period = serializers.IntegerField(min_value=0, max_value=10_000)
    room = serializers.CharField(max_length=64)


class TargetSlotInput(SlotInput):
    room = serializers.CharField(max_length=64, required=False, help_text="Default: same room.")


class MoveInput(serializers.Serializer):
    course = serializers.CharField(max_length=64)
    to = TargetSlotInput()


MoveInput._declared_fields["from"] = SlotInput()  # "from" is a keyword in Python


class PinInput(SlotInput):
    course = serializers.CharField(max_length=64)
    pinned = serializers.BooleanField(default=True)


class RevisionEditInput(serializers.Serializer):
    moves = MoveInput(many=True, required=False, default=list)
    pins = PinInput(many=True, required=False, default=list)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["moves"] and not attrs["pins"]:
            raise serializers.ValidationError("Give at least one move or pin.")
        return attrs


class RevisionImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="An ITC-2007 solution file (course room day period).")
    formulation = serializers.ChoiceField(choices=VERIFY_FORMULATIONS, default="UD2")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AssignmentInput(serializers.Serializer):
    course = serializers.CharField(max_length=64)
    room = serializers.CharField(max_length=64)
    day = serializers.IntegerField(min_value=0, max_value=10_000)
    period = serializers.IntegerField(min_value=0, max_value=10_000)


class VerifyInput(serializers.Serializer):
    assignments = AssignmentInput(many=True, allow_empty=True)
    formulation = serializers.ChoiceField(choices=VERIFY_FORMULATIONS, default="UD2")


class ViolationOutput(serializers.Serializer):
    component = serializers.CharField()
    hard = serializers.BooleanField()
    cost = serializers.IntegerField()
    message = serializers.CharField()
    courses = serializers.ListField(child=serializers.CharField())
    rooms = serializers.ListField(child=serializers.CharField())
    curricula = serializers.ListField(child=serializers.CharField())
    teachers = serializers.ListField(child=serializers.CharField())
    day = serializers.IntegerField(allow_null=True)
    period = serializers.IntegerField(allow_null=True)


class ComponentOutput(serializers.Serializer):
    name = serializers.CharField()
    hard = serializers.BooleanField()
    weight = serializers.IntegerField()
    value = serializers.IntegerField()


class VerificationOutput(serializers.Serializer):
    formulation = serializers.CharField()
    feasible = serializers.BooleanField()
    hard_violations = serializers.IntegerField()
    total_cost = serializers.IntegerField()
    components = ComponentOutput(many=True)
    hard = serializers.DictField(child=serializers.IntegerField())
    soft = serializers.DictField(child=serializers.IntegerField())
    violations = ViolationOutput(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class DiffSlotOutput(serializers.Serializer):
    day = serializers.IntegerField()
    period = serializers.IntegerField()
    room = serializers.CharField()


class DiffMoveOutput(serializers.Serializer):
    course = serializers.CharField()
    to = DiffSlotOutput()


DiffMoveOutput._declared_fields["from"] = DiffSlotOutput()


class DiffLectureOutput(DiffSlotOutput):
    course = serializers.CharField()


class CostChangeOutput(serializers.Serializer):
    total_cost = serializers.IntegerField()
    hard_violations = serializers.IntegerField()


class DiffOutput(serializers.Serializer):
    revision = serializers.IntegerField()
    against = serializers.IntegerField()
    moved = DiffMoveOutput(many=True)
    added = DiffLectureOutput(many=True)
    removed = DiffLectureOutput(many=True)
    unchanged = serializers.IntegerField()
    cost_change = CostChangeOutput()


class RunStartInput(serializers.Serializer):
    formulation = serializers.CharField(
        max_length=8, default="UD2", help_text="One of " + ", ".join(GENERATOR_FORMULATIONS) + "."
    )
    time_limit = serializers.IntegerField(
        min_value=1, max_value=getattr(settings, "SCHEDULING_MAX_TIME_LIMIT", 3000), default=60
    )
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    base_revision = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    min_change_weight = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, allow_null=True, default=None
    )


class RunOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)
    finished = serializers.BooleanField()

    class Meta:
        model = GenerationRun
        fields = [
            "id",
            "problem",
            "status",
            "finished",
            "formulation",
            "time_limit",
            "seed",
            "base_revision",
            "min_change_weight",
            "phase",
            "best_cost",
            "bound",
            "elapsed",
            "attempts",
            "cancel_requested",
            "error_code",
            "error_message",
            "error_extra",
            "result_revision",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "updated_at",
        ]


# ------------------------------------------------------------------------------ problems
class ProblemListApi(SchedulingApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="problems_list",
        parameters=PAGE_PARAMETERS,
        responses=paginated_schema(ProblemOutput),
    )
    def get(self, request: Request) -> Response:
        return paginated_response(problem_list(), ProblemOutput, request=request, view=self)

    @extend_schema(
        operation_id="problems_import",
        request={"multipart/form-data": ProblemImportInput},
        responses={201: ProblemOutput, 400: ERROR, 403: ERROR, 413: ERROR},
    )
    def post(self, request: Request) -> Response:
        _check_upload_size(request)
        data = _valid(ProblemImportInput, request.data)
        problem = problem_import(
            file=data["file"].read(),
            name=data["name"],
            filename=data["file"].name or "upload",
            created_by=request.user,
        )
        return Response(
            ProblemOutput(problem_get(problem_id=problem.pk)).data, status=status.HTTP_201_CREATED
        )


class ProblemDetailApi(SchedulingApi):
    @extend_schema(operation_id="problems_retrieve", responses={200: ProblemOutput, 404: ERROR})
    def get(self, request: Request, problem_id: int) -> Response:
        return Response(ProblemOutput(_get(problem_get, "Problem", problem_id=problem_id)).data)

    @extend_schema(operation_id="problems_delete", responses={204: None, 404: ERROR, 409: ERROR})
    def delete(self, request: Request, problem_id: int) -> Response:
        problem_delete(problem=_get(problem_get, "Problem", problem_id=problem_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProblemExportApi(SchedulingApi):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="problems_export",
        parameters=[
            OpenApiParameter(
                "format", str, enum=["ctt", "ectt"], description="Default: as imported."
            )
        ],
        responses={(200, "text/plain"): OpenApiTypes.STR, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, problem_id: int) -> HttpResponse:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        fmt = request.query_params.get("format", problem.source_format)
        if fmt not in ("ctt", "ectt"):
            raise ApplicationError("format must be ctt or ectt.", code="invalid_format")
        text = core.format_problem(problem_to_core(problem=problem), extended=fmt == "ectt")
        return _file_response(
            text, content_type="text/plain; charset=utf-8", filename=f"problem-{problem.pk}.{fmt}"
        )


class CourseListApi(SchedulingApi):
    @extend_schema(operation_id="courses_list", responses={200: CourseOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        return Response(CourseOutput(course_list(problem=problem), many=True).data)


class CourseDetailApi(SchedulingApi):
    @extend_schema(
        operation_id="courses_update",
        request=CourseUpdateInput,
        responses={200: CourseOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, course_id: int) -> Response:
        course = _get(course_get, "Course", course_id=course_id)
        course = course_update(course=course, **_valid(CourseUpdateInput, request.data))
        return Response(CourseOutput(course_list(problem=course.problem).get(pk=course.pk)).data)


class RoomListApi(SchedulingApi):
    @extend_schema(operation_id="rooms_list", responses={200: RoomOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        return Response(RoomOutput(room_list(problem=problem), many=True).data)


class RoomDetailApi(SchedulingApi):
    @extend_schema(
        operation_id="rooms_update",
        request=RoomUpdateInput,
        responses={200: RoomOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, room_id: int) -> Response:
        room = _get(room_get, "Room", room_id=room_id)
        return Response(
            RoomOutput(room_update(room=room, **_valid(RoomUpdateInput, request.data))).data
        )


class CurriculumListApi(SchedulingApi):
    @extend_schema(operation_id="curricula_list", responses={200: CurriculumOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        return Response(CurriculumOutput(curriculum_list(problem=problem), many=True).data)


class CurriculumUpdateInput(serializers.Serializer):
    courses = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=10_000, allow_empty=True
    )


class CurriculumDetailApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="curricula_update",
        request=CurriculumUpdateInput,
        responses={200: CurriculumOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, curriculum_id: int) -> Response:
        curriculum = _get(curriculum_get, "Curriculum", curriculum_id=curriculum_id)
        data = _valid(CurriculumUpdateInput, request.data)
        curriculum = curriculum_update(curriculum=curriculum, course_codes=data["courses"])
        return Response(CurriculumOutput(curriculum_get(curriculum_id=curriculum.pk)).data)


class ProblemVerifyApi(SchedulingApi):
    """Verify an ad hoc list of assignments: computes, writes nothing (open to readers)."""

    read_only_post = True
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="problems_verify",
        request=VerifyInput,
        responses={200: VerificationOutput, 400: ERROR, 404: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        data = _valid(VerifyInput, request.data)
        assignments = [core.Assignment(**a) for a in data["assignments"]]
        result = assignments_verify(
            problem=problem, assignments=assignments, formulation=data["formulation"]
        )
        return Response(result.to_dict())


# ------------------------------------------------------------------------------ revisions
class RevisionListApi(SchedulingApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="revisions_list",
        parameters=PAGE_PARAMETERS,
        responses=paginated_schema(RevisionOutput),
    )
    def get(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        return paginated_response(
            revision_list(problem=problem), RevisionOutput, request=request, view=self
        )

    @extend_schema(
        operation_id="revisions_import",
        request={"multipart/form-data": RevisionImportInput},
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 413: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        _check_upload_size(request)
        data = _valid(RevisionImportInput, request.data)
        revision = revision_import(
            problem=problem,
            file=data["file"].read(),
            formulation=data["formulation"],
            author=request.user,
            note=data["note"],
        )
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)


def _revision_body(revision: Revision) -> bytes:
    data = RevisionOutput(revision).data
    data["assignments"] = [lec.to_dict() for lec in revision_lectures(revision=revision)]
    return JSONRenderer().render(data)


class RevisionDetailApi(SchedulingApi):
    """A revision with its assignments. Revisions never change: the ETag and body are cached
    together (one cache read per request, no query) and If-None-Match is answered 304."""

    @extend_schema(
        operation_id="revisions_retrieve",
        responses={200: RevisionDetailOutput, 304: None, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> HttpResponse:
        cached = revision_cached_body(revision_id=revision_id)
        if cached is None:
            revision = _get(revision_get, "Revision", revision_id=revision_id)
            cached = (revision_etag(revision=revision), _revision_body(revision))
            revision_cache_body(revision_id=revision_id, etag=cached[0], body=cached[1])
        etag, body = cached
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        match = request.headers.get("If-None-Match", "")
        if match.strip() == "*" or etag in [t.strip() for t in match.split(",")]:
            return HttpResponse(status=304, headers=headers)
        return HttpResponse(body, content_type="application/json", headers=headers)


class RevisionEditApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="revisions_edit",
        request=RevisionEditInput,
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, revision_id: int) -> Response:
        base = _get(revision_get, "Revision", revision_id=revision_id)
        data = _valid(RevisionEditInput, request.data)
        moves = [
            Move(
                course=m["course"],
                source=(m["from"]["day"], m["from"]["period"], m["from"]["room"]),
                target=(m["to"]["day"], m["to"]["period"], m["to"].get("room")),
            )
            for m in data["moves"]
        ]
        pins = [
            Pin(course=p["course"], slot=(p["day"], p["period"], p["room"]), pinned=p["pinned"])
            for p in data["pins"]
        ]
        revision = revision_create_edited(
            base=base, moves=moves, pins=pins, author=request.user, note=data["note"]
        )
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)


class RevisionVerifyApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_verify",
        parameters=[OpenApiParameter("formulation", str, enum=VERIFY_FORMULATIONS)],
        responses={200: VerificationOutput, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> Response:
        revision = _get(revision_get, "Revision", revision_id=revision_id)
        formulation = request.query_params.get("formulation") or revision.formulation
        if formulation.upper() not in VERIFY_FORMULATIONS:
            raise ApplicationError(
                f"Unknown formulation {formulation!r}.", code="invalid_formulation"
            )
        return Response(revision_verify(revision=revision, formulation=formulation).to_dict())


class RevisionDiffApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_diff",
        parameters=[OpenApiParameter("against", int, required=True)],
        responses={200: DiffOutput, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> Response:
        revision = _get(revision_get, "Revision", revision_id=revision_id)
        against_id = request.query_params.get("against", "")
        if not against_id.isdigit():
            raise ApplicationError("against must be a revision id.", code="invalid_against")
        against = _get(revision_get, "Revision", revision_id=int(against_id))
        if against.problem_id != revision.problem_id:
            raise ApplicationError(
                "Both revisions must belong to the same problem.", code="invalid_against"
            )
        return Response(revision_diff(revision=revision, against=against))


def _next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class RevisionExportApi(SchedulingApi):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="revisions_export",
        parameters=[
            OpenApiParameter("format", str, enum=["sol", "csv", "ics"], description="Default sol."),
            OpenApiParameter("teacher", str, description="Only this teacher's lectures."),
            OpenApiParameter("curriculum", str, description="Only this curriculum's lectures."),
            OpenApiParameter("room", str, description="Only this room's lectures."),
            OpenApiParameter("start", OpenApiTypes.DATE, description="ics: date of day 0."),
            OpenApiParameter("weeks", int, description="ics: weeks of the term (default 14)."),
            OpenApiParameter("day_start", str, description="ics: HH:MM of period 0 (08:00)."),
            OpenApiParameter("period_minutes", int, description="ics: minutes per period (60)."),
        ],
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "text/calendar"): OpenApiTypes.STR,
            400: ERROR,
            404: ERROR,
        },
    )
    def get(self, request: Request, revision_id: int) -> HttpResponse:
        revision = _get(revision_get, "Revision", revision_id=revision_id)
        params = _valid(ExportQuery, request.query_params)
        problem = problem_to_core(problem=revision.problem)
        lectures = select_lectures(
            revision_lectures(revision=revision),
            problem,
            teacher=params.get("teacher"),
            curriculum=params.get("curriculum"),
            room=params.get("room"),
        )
        name = f"revision-{revision.pk}"
        fmt = params["format"]
        if fmt == "sol":
            return _file_response(
                export_solution(lectures),
                content_type="text/plain; charset=utf-8",
                filename=f"{name}.sol",
            )
        if fmt == "csv":
            return _file_response(
                export_csv(lectures, problem),
                content_type="text/csv; charset=utf-8",
                filename=f"{name}.csv",
            )
        who = params.get("teacher") or params.get("curriculum") or params.get("room") or "all"
        body = export_ics(
            lectures,
            problem,
            title=f"{revision.problem.name} #{revision.number} ({who})",
            uid_prefix=f"{name}",
            term_start=params.get("start") or _next_monday(),
            weeks=params["weeks"],
            day_start=params["day_start"],
            period_minutes=params["period_minutes"],
            stamp=revision.created_at,
        )
        return _file_response(
            body, content_type="text/calendar; charset=utf-8", filename=f"{name}.ics"
        )


class ExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=["sol", "csv", "ics"], default="sol")
    teacher = serializers.CharField(required=False, max_length=64)
    curriculum = serializers.CharField(required=False, max_length=64)
    room = serializers.CharField(required=False, max_length=64)
    start = serializers.DateField(required=False)
    weeks = serializers.IntegerField(min_value=1, max_value=60, default=14)
    day_start = serializers.TimeField(default=time(8, 0))
    period_minutes = serializers.IntegerField(min_value=5, max_value=600, default=60)


# ------------------------------------------------------------------------------ runs
class RunListApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="runs_list", parameters=PAGE_PARAMETERS, responses=paginated_schema(RunOutput)
    )
    def get(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        return paginated_response(run_list(problem=problem), RunOutput, request=request, view=self)

    @extend_schema(
        operation_id="runs_start",
        request=RunStartInput,
        responses={202: RunOutput, 400: ERROR, 403: ERROR, 404: ERROR, 422: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = _get(problem_get, "Problem", problem_id=problem_id)
        data = _valid(RunStartInput, request.data)
        base = None
        if data["base_revision"] is not None:
            base = _get(revision_get, "Revision", revision_id=data["base_revision"])
        run = run_start(
            problem=problem,
            formulation=data["formulation"],
            time_limit=data["time_limit"],
            seed=data["seed"],
            base_revision=base,
            min_change_weight=data["min_change_weight"],
            created_by=request.user,
        )
        run = run_get(run_id=run.pk)
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(SchedulingApi):
    @extend_schema(operation_id="runs_retrieve", responses={200: RunOutput, 404: ERROR})
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunOutput(_get(run_get, "Run", run_id=run_id)).data)


class RunCancelApi(SchedulingApi):
    @extend_schema(
        operation_id="runs_cancel",
        request=None,
        responses={200: RunOutput, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, run_id: int) -> Response:
        run = run_cancel(run=_get(run_get, "Run", run_id=run_id))
        return Response(RunOutput(run_get(run_id=run.pk)).data)
