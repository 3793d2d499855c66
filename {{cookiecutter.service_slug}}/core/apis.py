from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from .auth import signed_in_user
from .exceptions import NotFoundError
from .models import Heartbeat
from .selectors import api_token_list, heartbeat_get
from .services import api_token_create, api_token_revoke, heartbeat_create
from .throttling import SignInRateThrottle


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


class ApiTokenOutput(serializers.ModelSerializer[AuthToken]):
    current = serializers.SerializerMethodField(help_text="the token this request was made with")

    class Meta:
        model = AuthToken
        fields = ["token_key", "created", "expiry", "current"]

    def get_current(self, token: AuthToken) -> bool:
        return bool(token == self.context.get("current"))


class ApiTokenCreateOutput(ApiTokenOutput):
    """ApiTokenOutput and the token itself (the view adds it: the record holds only a digest)."""

    token = serializers.CharField(help_text="shown once: only a digest is stored")

    class Meta(ApiTokenOutput.Meta):
        fields = ["token", *ApiTokenOutput.Meta.fields]


class ApiTokenCreateInput(serializers.Serializer[Any]):
    """Needed only when the request is not already signed in (a session or a token)."""

    username = serializers.CharField(required=False)
    password = serializers.CharField(required=False, style={"input_type": "password"})


class ApiTokenListApi(APIView):
    """Your own API tokens: list them, or create one (signed in, or with username and password).

    A token goes in the `Authorization: Token <token>` header and expires after API_TOKEN_DAYS.
    Creating is throttled per client address and counts towards the sign-in lockout."""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [SignInRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=ApiTokenOutput(many=True))
    def get(self, request: Request) -> Response:
        tokens = api_token_list(user=signed_in_user(request))
        context = {"current": request.auth}
        return Response(ApiTokenOutput(tokens, many=True, context=context).data)

    @extend_schema(request=ApiTokenCreateInput, responses={201: ApiTokenCreateOutput})
    def post(self, request: Request) -> Response:
        if request.user.is_authenticated:
            user = signed_in_user(request)
        else:
            data = ApiTokenCreateInput(data=request.data)
            data.is_valid(raise_exception=True)
            # Django's own request: django-axes counts failures and locks out on it.
            found = authenticate(
                request._request,
                username=data.validated_data.get("username", ""),
                password=data.validated_data.get("password", ""),
            )
            if not isinstance(found, User):
                raise exceptions.AuthenticationFailed("Wrong username or password.")
            user = found
        record, token = api_token_create(user=user)
        output = ApiTokenOutput(record, context={"current": request.auth}).data
        return Response({"token": token, **output}, status=status.HTTP_201_CREATED)


class ApiTokenDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_key: str) -> Response:
        """Revoke one of your tokens (its `token_key`: the token's first 15 characters)."""
        api_token_revoke(user=signed_in_user(request), token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
