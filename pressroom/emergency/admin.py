"""Admin for alerts (read-only: they change through their pages) and templates."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate


@admin.register(EmergencyTemplate)
class EmergencyTemplateAdmin(admin.ModelAdmin[EmergencyTemplate]):
    list_display = ("title", "hazard", "unit", "is_active")
    list_filter = ("hazard", "is_active")
    search_fields = ("title", "text")
    raw_id_fields = ("unit",)


@admin.register(EmergencyAlert)
class EmergencyAlertAdmin(admin.ModelAdmin[EmergencyAlert]):
    list_display = ("post", "hazard", "unit", "status", "composed_by", "confirmed_by")
    list_filter = ("status", "hazard")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
