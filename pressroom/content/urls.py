"""URLs of the post pages, the composer and the workflow buttons."""

from __future__ import annotations

from django.urls import path

from pressroom.content import (
    compose_views,
    library_views,
    pack_views,
    preview_views,
    theme_views,
    views,
)

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("new/", compose_views.post_create, name="post_create"),
    path("<int:post_id>/", views.post_detail, name="post_detail"),
    path("<int:post_id>/edit/", compose_views.post_edit, name="post_edit"),
    path("<int:post_id>/images/<int:media_id>/", views.post_image, name="post_image"),
    path("<int:post_id>/deliveries/", views.post_deliveries, name="post_deliveries"),
    path("<int:post_id>/submit/", views.post_submit, name="post_submit"),
    path("<int:post_id>/withdraw/", views.post_withdraw, name="post_withdraw"),
    path("<int:post_id>/approve/", views.post_approve, name="post_approve"),
    path(
        "<int:post_id>/deliveries/<int:delivery_id>/look/",
        views.delivery_look,
        name="delivery_look",
    ),
    path("<int:post_id>/reject/", views.post_reject, name="post_reject"),
    path("<int:post_id>/schedule/", views.post_schedule, name="post_schedule"),
    path(
        "<int:post_id>/link-preview/",
        preview_views.post_link_preview,
        name="post_link_preview",
    ),
]

theme_urlpatterns = [
    path("", theme_views.theme_list, name="theme_list"),
    path("new/", theme_views.theme_create, name="theme_create"),
    path("<int:theme_id>/edit/", theme_views.theme_edit, name="theme_edit"),
]

library_urlpatterns = [
    path("", library_views.library_list, name="library_list"),
    path("upload/", library_views.library_upload, name="library_upload"),
    path("<int:asset_id>/", library_views.library_item, name="library_item"),
    path("<int:asset_id>/delete/", library_views.library_delete, name="library_delete"),
    path("<int:asset_id>/file/", library_views.library_file, name="library_file"),
]

pack_urlpatterns = [
    path("", pack_views.pack_list, name="pack_list"),
    path("new/", pack_views.pack_create, name="pack_create"),
    path("<int:pack_id>/", pack_views.pack_detail, name="pack_detail"),
    path("<int:pack_id>/remind/", pack_views.pack_remind, name="pack_remind"),
]
