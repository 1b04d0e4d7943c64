"""URLs of the channel pages."""

from __future__ import annotations

from django.urls import path

from pressroom.channels import views

urlpatterns = [
    path("", views.channel_list, name="channel_list"),
    path("<int:channel_id>/", views.channel_detail, name="channel_detail"),
    path("<int:channel_id>/reconnect/", views.channel_reconnect, name="channel_reconnect"),
    path(
        "<int:channel_id>/unknown-outcome/",
        views.channel_unknown_outcome,
        name="channel_unknown_outcome",
    ),
]
