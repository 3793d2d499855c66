from django.contrib import admin

from .models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ["id", "title", "created_by", "created_at"]
    list_select_related = ["created_by"]
