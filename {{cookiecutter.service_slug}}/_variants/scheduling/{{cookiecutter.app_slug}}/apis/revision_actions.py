"""API of actions on whole revisions: restore an older one, publish one, unpublish."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.auth import signed_in_user

from ..models import Problem
from ..selectors.problems import problem_get
from ..selectors.revisions import revision_get
from ..services.revision_actions import problem_unpublish, revision_publish, revision_restore
from .common import ERROR, SchedulingApi, get_or_404
from .revisions import RevisionOutput


class PublishedOutput(serializers.ModelSerializer[Problem]):
    problem = serializers.IntegerField(source="id")

    class Meta:
        model = Problem
        fields = ["problem", "published_revision", "published_at"]


class RevisionRestoreApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_restore",
        request=None,
        responses={201: RevisionOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, revision_id: int) -> Response:
        """A new latest revision with this revision's lectures and pins, noted "Restored #N";
        409 `nothing_to_restore` when the latest revision has them already."""
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        restored = revision_restore(revision=revision, author=signed_in_user(request))
        return Response(RevisionOutput(restored).data, status=status.HTTP_201_CREATED)


class RevisionPublishApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_publish",
        request=None,
        responses={200: PublishedOutput, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, revision_id: int) -> Response:
        """The problem's published timetable becomes this revision (one per problem); 409
        `not_publishable` for a revision with hard violations."""
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        return Response(PublishedOutput(revision_publish(revision=revision)).data)


class ProblemUnpublishApi(SchedulingApi):
    @extend_schema(
        operation_id="problems_unpublish",
        request=None,
        responses={200: PublishedOutput, 403: ERROR, 404: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(PublishedOutput(problem_unpublish(problem=problem)).data)
