from django.contrib import admin

from .models import Counter, Heartbeat


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["id", "message", "request_id", "created_at", "processed_at", "processed_by"]
