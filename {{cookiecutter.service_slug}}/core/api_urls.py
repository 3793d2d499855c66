from django.urls import path

from .apis import ApiTokenDetailApi, ApiTokenListApi, HeartbeatCreateApi, HeartbeatDetailApi

urlpatterns = [
    path("heartbeats/", HeartbeatCreateApi.as_view(), name="heartbeat-create"),
    path("heartbeats/<int:heartbeat_id>/", HeartbeatDetailApi.as_view(), name="heartbeat-detail"),
    path("tokens/", ApiTokenListApi.as_view(), name="api-token-list"),
    path("tokens/<str:token_key>/", ApiTokenDetailApi.as_view(), name="api-token-detail"),
]
