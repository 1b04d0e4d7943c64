"""Admin for posts and themes (superusers; day-to-day work happens in the app).

Posts are shown read-only: their workflow (review, approval, scheduling) and their deliveries
change only through the actions the app calls, never by editing a status here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pressroom.content.models import Media, Post, Theme, Variant


class ReadOnly:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class VariantInline(ReadOnly, admin.StackedInline[Variant, Post]):
    model = Variant
    extra = 0


class MediaInline(ReadOnly, admin.TabularInline[Media, Post]):
    model = Media
    extra = 0


@admin.register(Post)
class PostAdmin(ReadOnly, admin.ModelAdmin[Post]):
    list_display = ("title", "unit", "status", "scheduled_at", "author")
    list_filter = ("status", "is_emergency")
    search_fields = ("title", "body")
    raw_id_fields = ("author", "approved_by", "unit", "theme")
    filter_horizontal = ("channels",)
    inlines = (VariantInline, MediaInline)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ("name", "unit", "starts_on", "ends_on", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
