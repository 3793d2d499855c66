from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import NotFoundError
from .models import Heartbeat
from .selectors import heartbeat_get
from .services import heartbeat_create


class HeartbeatOutput(serializers.ModelSerializer[Heartbeat]):
    class Meta:
        model = Heartbeat
        fields = ["id", "message", "request_id", "created_at", "processed_at", "processed_by"]


class HeartbeatInput(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=200)


class HeartbeatCreateApi(APIView):
    @extend_schema(request=HeartbeatInput, responses={202: HeartbeatOutput})
    def post(self, request: Request) -> Response:
        data = HeartbeatInput(data=request.data)
        data.is_valid(raise_exception=True)
        heartbeat = heartbeat_create(message=data.validated_data["message"])
        heartbeat.refresh_from_db()  # eager runs have already processed it
        return Response(HeartbeatOutput(heartbeat).data, status=status.HTTP_202_ACCEPTED)


class HeartbeatDetailApi(APIView):
    @extend_schema(responses=HeartbeatOutput)
    def get(self, request: Request, heartbeat_id: int) -> Response:
        try:
            heartbeat = heartbeat_get(heartbeat_id=heartbeat_id)
        except Heartbeat.DoesNotExist:
            raise NotFoundError(f"Heartbeat {heartbeat_id} does not exist.") from None
        return Response(HeartbeatOutput(heartbeat).data)
