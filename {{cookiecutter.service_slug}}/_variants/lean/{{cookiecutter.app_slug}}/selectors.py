"""Reads."""

from django.db.models import QuerySet

from .models import Note


def note_list() -> QuerySet[Note]:
    return Note.objects.select_related("created_by")


def note_get(*, note_id: int) -> Note | None:
    return note_list().filter(pk=note_id).first()
