"""Routes of the REST API (under /api/v1/); the web pages' routes are in urls.py."""

from django.urls import path

from .apis import (
    bulk_pins,
    exports,
    places,
    problem_parts,
    problems,
    revision_actions,
    revisions,
    runs,
    verification,
)

urlpatterns = [
    path("problems/", problems.ProblemListApi.as_view(), name="problem-list"),
    path("problems/<int:problem_id>/", problems.ProblemDetailApi.as_view(), name="problem-detail"),
    path(
        "problems/<int:problem_id>/export/",
        exports.ProblemExportApi.as_view(),
        name="problem-export",
    ),
    path(
        "problems/<int:problem_id>/verify/",
        verification.ProblemVerifyApi.as_view(),
        name="problem-verify",
    ),
    path(
        "problems/<int:problem_id>/courses/",
        problem_parts.CourseListApi.as_view(),
        name="course-list",
    ),
    path("problems/<int:problem_id>/rooms/", problem_parts.RoomListApi.as_view(), name="room-list"),
    path(
        "problems/<int:problem_id>/curricula/",
        problem_parts.CurriculumListApi.as_view(),
        name="curriculum-list",
    ),
    path(
        "problems/<int:problem_id>/revisions/",
        revisions.RevisionListApi.as_view(),
        name="revision-list",
    ),
    path("problems/<int:problem_id>/runs/", runs.RunListApi.as_view(), name="run-list"),
    path("courses/<int:course_id>/", problem_parts.CourseDetailApi.as_view(), name="course-detail"),
    path(
        "courses/<int:course_id>/constraints/",
        problem_parts.CourseConstraintsApi.as_view(),
        name="course-constraints",
    ),
    path("rooms/<int:room_id>/", problem_parts.RoomDetailApi.as_view(), name="room-detail"),
    path(
        "curricula/<int:curriculum_id>/",
        problem_parts.CurriculumDetailApi.as_view(),
        name="curriculum-detail",
    ),
    path(
        "revisions/<int:revision_id>/",
        revisions.RevisionDetailApi.as_view(),
        name="revision-detail",
    ),
    path(
        "revisions/<int:revision_id>/edits/",
        revisions.RevisionEditApi.as_view(),
        name="revision-edit",
    ),
    path(
        "revisions/<int:revision_id>/pins/",
        bulk_pins.RevisionPinsApi.as_view(),
        name="revision-pins",
    ),
    path(
        "revisions/<int:revision_id>/verification/",
        verification.RevisionVerifyApi.as_view(),
        name="revision-verify",
    ),
    path(
        "revisions/<int:revision_id>/places/",
        places.RevisionPlacesApi.as_view(),
        name="revision-places",
    ),
    path(
        "revisions/<int:revision_id>/diff/",
        revisions.RevisionDiffApi.as_view(),
        name="revision-diff",
    ),
    path(
        "revisions/<int:revision_id>/export/",
        exports.RevisionExportApi.as_view(),
        name="revision-export",
    ),
    path(
        "revisions/<int:revision_id>/restore/",
        revision_actions.RevisionRestoreApi.as_view(),
        name="revision-restore",
    ),
    path(
        "revisions/<int:revision_id>/publish/",
        revision_actions.RevisionPublishApi.as_view(),
        name="revision-publish",
    ),
    path(
        "problems/<int:problem_id>/unpublish/",
        revision_actions.ProblemUnpublishApi.as_view(),
        name="problem-unpublish",
    ),
    path("runs/<int:run_id>/", runs.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<int:run_id>/cancel/", runs.RunCancelApi.as_view(), name="run-cancel"),
]
