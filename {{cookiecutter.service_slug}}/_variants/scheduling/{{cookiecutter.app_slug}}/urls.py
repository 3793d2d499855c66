"""Routes of the scheduler's web pages (the REST API's routes are in api_urls.py)."""

from django.urls import path

from .web import (
    draft_views,
    move_views,
    pin_views,
    print_views,
    problem_views,
    revision_actions,
    run_views,
    term_views,
    timetable_views,
)

app_name = "{{ cookiecutter.app_slug }}"
urlpatterns = [
    path("", problem_views.problem_list_page, name="problem-list"),
    path("problems/new/", term_views.term_create, name="term-create"),
    path("problems/<int:problem_id>/", problem_views.problem_detail_page, name="problem-detail"),
    path("problems/<int:problem_id>/courses/", term_views.course_add, name="course-add"),
    path("problems/<int:problem_id>/rooms/", term_views.room_add, name="room-add"),
    path("problems/<int:problem_id>/calendar/", term_views.term_calendar, name="term-calendar"),
    path("problems/<int:problem_id>/week/", term_views.term_week, name="term-week"),
    path("rooms/<int:room_id>/", term_views.room_page, name="room-detail"),
    path("courses/<int:course_id>/", term_views.course_page, name="course-detail"),
    path("courses/<int:course_id>/remove/", term_views.course_delete, name="course-remove"),
    path("problems/<int:problem_id>/curricula/", term_views.curriculum_add, name="curriculum-add"),
    path(
        "curricula/<int:curriculum_id>/remove/",
        term_views.curriculum_delete,
        name="curriculum-remove",
    ),
    path("rooms/<int:room_id>/remove/", term_views.room_delete, name="room-remove"),
    path(
        "problems/<int:problem_id>/generate/",
        run_views.problem_generate_page,
        name="problem-generate",
    ),
    path(
        "problems/<int:problem_id>/history/",
        problem_views.problem_history_page,
        name="problem-history",
    ),
    path("problems/<int:problem_id>/diff/", timetable_views.problem_diff_page, name="problem-diff"),
    path("revisions/<int:revision_id>/", timetable_views.revision_grid_page, name="revision-grid"),
    path(
        "revisions/<int:revision_id>/print/",
        print_views.revision_print_page,
        name="revision-print",
    ),
    path("revisions/<int:revision_id>/move/", timetable_views.revision_move, name="revision-move"),
    path("revisions/<int:revision_id>/pin/", timetable_views.revision_pin, name="revision-pin"),
    path(
        "revisions/<int:revision_id>/places/",
        move_views.revision_places,
        name="revision-places",
    ),
    path("revisions/<int:revision_id>/swap/", move_views.revision_swap, name="revision-swap"),
    path("problems/<int:problem_id>/edit-mode/", draft_views.edit_mode_view, name="edit-mode"),
    path("problems/<int:problem_id>/draft/undo/", draft_views.draft_undo_view, name="draft-undo"),
    path("problems/<int:problem_id>/draft/redo/", draft_views.draft_redo_view, name="draft-redo"),
    path("problems/<int:problem_id>/draft/save/", draft_views.draft_save_view, name="draft-save"),
    path(
        "problems/<int:problem_id>/draft/discard/",
        draft_views.draft_discard_view,
        name="draft-discard",
    ),
    path(
        "revisions/<int:revision_id>/pins/", pin_views.revision_pin_bulk, name="revision-pin-bulk"
    ),
    path(
        "revisions/<int:revision_id>/restore/",
        revision_actions.revision_restore_view,
        name="revision-restore",
    ),
    path(
        "revisions/<int:revision_id>/publish/",
        revision_actions.revision_publish_view,
        name="revision-publish",
    ),
    path(
        "problems/<int:problem_id>/unpublish/",
        revision_actions.problem_unpublish_view,
        name="problem-unpublish",
    ),
    path(
        "problems/<int:problem_id>/revision-state/",
        revision_actions.problem_revision_state_view,
        name="problem-revision-state",
    ),
    path("runs/<int:run_id>/", run_views.run_detail_page, name="run-detail"),
    path("runs/<int:run_id>/status/", run_views.run_status, name="run-status"),
    path("runs/<int:run_id>/cancel/", run_views.run_cancel_view, name="run-cancel"),
]
