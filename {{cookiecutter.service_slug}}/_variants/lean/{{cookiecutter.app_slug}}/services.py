"""Writes: keyword-only, typed, one verb each."""

import secrets

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


DEMO_NOTES = [
    ("Welcome", "A note made by `manage.py demo`. Edit it in the admin or through the API."),
    ("Next steps", "Replace the Note with this service's own resources (docs/architecture.md)."),
]


def demo_seed(*, username: str = "demo", password: str = "") -> tuple[User, str]:
    """The demo account (made if missing) with `password` or a new random one, and its sample
    notes (made once); returns the account and its password. Safe to run again."""
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])
    for title, body in DEMO_NOTES:
        if not Note.objects.filter(created_by=user, title=title).exists():
            note_create(title=title, body=body, created_by=user)
    return user, password
