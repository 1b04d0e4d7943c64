"""The audit log in the admin: readable, never writable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pressroom.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("actor_label", "actor_ref", "action", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
