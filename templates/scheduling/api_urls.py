from django.urls import path

from . import apis

urlpatterns = [
    path("problems/", apis.ProblemListApi.as_view(), name="problem-list"),
    path("problems/<int:problem_id>/", apis.ProblemDetailApi.as_view(), name="problem-detail"),
    path(
        "problems/<int:problem_id>/export/",
        apis.ProblemExportApi.as_view(),
        name="problem-export",
    ),
    path(
        "problems/<int:problem_id>/verify/",
        apis.ProblemVerifyApi.as_view(),
        name="problem-verify",
    ),
    path("problems/<int:problem_id>/courses/", apis.CourseListApi.as_view(), name="course-list"),
    path("problems/<int:problem_id>/rooms/", apis.RoomListApi.as_view(), name="room-list"),
    path(
        "problems/<int:problem_id>/curricula/",
        apis.CurriculumListApi.as_view(),
        name="curriculum-list",
    ),
    path(
        "problems/<int:problem_id>/revisions/",
        apis.RevisionListApi.as_view(),
        name="revision-list",
    ),
    path("problems/<int:problem_id>/runs/", apis.RunListApi.as_view(), name="run-list"),
    path("courses/<int:course_id>/", apis.CourseDetailApi.as_view(), name="course-detail"),
    path("rooms/<int:room_id>/", apis.RoomDetailApi.as_view(), name="room-detail"),
    path(
        "curricula/<int:curriculum_id>/",
        apis.CurriculumDetailApi.as_view(),
        name="curriculum-detail",
    ),
    path("revisions/<int:revision_id>/", apis.RevisionDetailApi.as_view(), name="revision-detail"),
    path(
        "revisions/<int:revision_id>/edits/",
        apis.RevisionEditApi.as_view(),
        name="revision-edit",
    ),
    path(
        "revisions/<int:revision_id>/verification/",
        apis.RevisionVerifyApi.as_view(),
        name="revision-verify",
    ),
    path(
        "revisions/<int:revision_id>/diff/",
        apis.RevisionDiffApi.as_view(),
        name="revision-diff",
    ),
    path(
        "revisions/<int:revision_id>/export/",
        apis.RevisionExportApi.as_view(),
        name="revision-export",
    ),
    path("runs/<int:run_id>/", apis.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<int:run_id>/cancel/", apis.RunCancelApi.as_view(), name="run-cancel"),
]
