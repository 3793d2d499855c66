"""Writes: keyword-only, typed, one verb each."""

from django.contrib.auth.models import User
from django.db import transaction

from .models import Note
from .tasks import note_index


@transaction.atomic
def note_create(*, title: str, body: str = "", created_by: User) -> Note:
    note = Note.objects.create(title=title, body=body, created_by=created_by)
    transaction.on_commit(lambda: note_index.delay(note.pk))
    return note


@transaction.atomic
def note_update(*, note: Note, title: str | None = None, body: str | None = None) -> Note:
    if title is not None:
        note.title = title
    if body is not None:
        note.body = body
    note.save(update_fields=["title", "body", "updated_at"])
    return note
