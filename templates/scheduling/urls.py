"""Web pages of the scheduler (server-rendered; the REST API lives in api_urls.py)."""

from django.urls import path

from .scheduling import views

app_name = "{{ cookiecutter.app_slug }}"
urlpatterns = [
    path("", views.problem_list_page, name="problem-list"),
    path("problems/<int:problem_id>/", views.problem_detail_page, name="problem-detail"),
    path(
        "problems/<int:problem_id>/generate/",
        views.problem_generate_page,
        name="problem-generate",
    ),
    path(
        "problems/<int:problem_id>/history/",
        views.problem_history_page,
        name="problem-history",
    ),
    path("problems/<int:problem_id>/diff/", views.problem_diff_page, name="problem-diff"),
    path("revisions/<int:revision_id>/", views.revision_grid_page, name="revision-grid"),
    path("revisions/<int:revision_id>/move/", views.revision_move, name="revision-move"),
    path("revisions/<int:revision_id>/pin/", views.revision_pin, name="revision-pin"),
    path("runs/<int:run_id>/", views.run_detail_page, name="run-detail"),
    path("runs/<int:run_id>/status/", views.run_status, name="run-status"),
    path("runs/<int:run_id>/cancel/", views.run_cancel_view, name="run-cancel"),
]
