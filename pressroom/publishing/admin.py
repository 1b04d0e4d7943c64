"""Admin view of deliveries, read-only: their state changes only through the dispatcher."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pressroom.publishing.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("post", "channel", "status", "due_at", "attempts", "published_at")
    list_filter = ("status", "channel__platform")
    search_fields = ("post__title", "remote_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
