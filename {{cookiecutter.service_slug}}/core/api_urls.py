from django.urls import path

from .apis import HeartbeatCreateApi, HeartbeatDetailApi

urlpatterns = [
    path("heartbeats/", HeartbeatCreateApi.as_view(), name="heartbeat-create"),
    path("heartbeats/<int:heartbeat_id>/", HeartbeatDetailApi.as_view(), name="heartbeat-detail"),
]
