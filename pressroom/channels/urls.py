"""URLs of the channel pages."""

from __future__ import annotations

from django.urls import path

from pressroom.channels import cadence_views, connect_views, set_views, views

urlpatterns = [
    path("", views.channel_list, name="channel_list"),
    path("<int:channel_id>/", views.channel_detail, name="channel_detail"),
    path("sets/", set_views.set_list, name="channel_set_list"),
    path("sets/<int:set_id>/delete/", set_views.set_delete, name="channel_set_delete"),
    path("<int:channel_id>/cadence/", cadence_views.channel_cadence, name="channel_cadence"),
    path("units/<int:unit_id>/cadence/", cadence_views.unit_cadence, name="unit_cadence"),
    path("<int:channel_id>/slots/", views.channel_slots, name="channel_slots"),
    path(
        "<int:channel_id>/disconnect/",
        connect_views.channel_disconnect,
        name="channel_disconnect",
    ),
    path("connect/", connect_views.connect_page, name="connect_page"),
    path("connect/<str:platform>/begin/", connect_views.connect_begin, name="connect_begin"),
    path(
        "connect/<str:platform>/callback/",
        connect_views.connect_callback,
        name="connect_callback",
    ),
    path("connect/<str:platform>/form/", connect_views.connect_form, name="connect_form"),
    path("connect/choose/<int:attempt_id>/", connect_views.connect_choose, name="connect_choose"),
    path(
        "<int:channel_id>/unknown-outcome/",
        views.channel_unknown_outcome,
        name="channel_unknown_outcome",
    ),
]
