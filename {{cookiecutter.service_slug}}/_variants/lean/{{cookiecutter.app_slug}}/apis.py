from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.auth import signed_in_user
from core.exceptions import NotFoundError
from core.pagination import PAGE_PARAMETERS, paginated_response, paginated_schema

from .models import Note
from .selectors import note_get, note_list
from .services import note_create, note_update


class NoteOutput(serializers.ModelSerializer[Note]):
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = Note
        fields = ["id", "title", "body", "created_by", "created_at", "updated_at"]


class NoteInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")


class NoteUpdateInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, allow_blank=True)


def get_note_or_404(note_id: int) -> Note:
    note = note_get(note_id=note_id)
    if note is None:
        raise NotFoundError(f"Note {note_id} does not exist.")
    return note


class NoteListApi(APIView):
    @extend_schema(
        operation_id="notes_list",
        responses=paginated_schema(NoteOutput),
        parameters=PAGE_PARAMETERS,
    )
    def get(self, request: Request) -> Response:
        return paginated_response(note_list(), NoteOutput, request=request, view=self)

    @extend_schema(request=NoteInput, responses={201: NoteOutput})
    def post(self, request: Request) -> Response:
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_create(created_by=signed_in_user(request), **data.validated_data)
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(APIView):
    @extend_schema(responses=NoteOutput)
    def get(self, request: Request, note_id: int) -> Response:
        return Response(NoteOutput(get_note_or_404(note_id)).data)

    @extend_schema(request=NoteUpdateInput, responses=NoteOutput)
    def patch(self, request: Request, note_id: int) -> Response:
        note = get_note_or_404(note_id)
        data = NoteUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(NoteOutput(note_update(note=note, **data.validated_data)).data)
