from django.contrib import admin

from .models import Counter, Heartbeat


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin[Counter]):
    list_display = ["name", "value"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin[Heartbeat]):
    list_display = ["id", "message", "request_id", "created_at", "processed_at", "processed_by"]
