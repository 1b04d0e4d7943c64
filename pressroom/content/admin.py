"""Admin for posts and themes (superusers; day-to-day work happens in the app)."""

from __future__ import annotations

from django.contrib import admin

from pressroom.content.models import Media, Post, Theme, Variant


class VariantInline(admin.StackedInline[Variant, Post]):
    model = Variant
    extra = 0


class MediaInline(admin.TabularInline[Media, Post]):
    model = Media
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
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
