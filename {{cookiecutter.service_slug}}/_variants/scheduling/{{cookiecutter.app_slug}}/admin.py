"""Admin of the scheduling app: browse problems, revisions and runs (staff manage users and the
"scheduler" group in the stock auth admin)."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from .models import Course, Curriculum, GenerationRun, Problem, Revision, Room
from .services.problems import problem_data_changed


class CourseInline(admin.TabularInline[Course, Problem]):
    model = Course
    extra = 0


class RoomInline(admin.TabularInline[Room, Problem]):
    model = Room
    extra = 0


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin[Problem]):
    list_display = ["id", "name", "days", "periods_per_day", "source_format", "created_at"]
    list_select_related = ["created_by"]
    search_fields = ["name"]
    inlines = [CourseInline, RoomInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Problem], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        problem_data_changed(problem_id=form.instance.pk)


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin[Curriculum]):
    list_display = ["id", "code", "problem"]
    list_select_related = ["problem"]
    filter_horizontal = ["courses"]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Curriculum], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        problem_data_changed(problem_id=form.instance.problem_id)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin[Revision]):
    list_display = ["id", "problem", "number", "origin", "hard_violations", "total_cost"]
    list_select_related = ["problem"]
    list_filter = ["origin"]
    readonly_fields = [f.name for f in Revision._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # revisions are written by edits, imports and generations only

    def has_change_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False  # immutable


@admin.register(GenerationRun)
class GenerationRunAdmin(admin.ModelAdmin[GenerationRun]):
    list_display = ["id", "problem", "status", "formulation", "time_limit", "best_cost"]
    list_select_related = ["problem"]
    list_filter = ["status"]
