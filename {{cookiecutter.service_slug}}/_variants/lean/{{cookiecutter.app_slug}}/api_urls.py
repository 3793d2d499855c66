from django.urls import path

from .apis import NoteDetailApi, NoteListApi

urlpatterns = [
    path("notes/", NoteListApi.as_view(), name="note-list"),
    path("notes/<int:note_id>/", NoteDetailApi.as_view(), name="note-detail"),
]
