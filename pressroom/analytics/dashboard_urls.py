"""The analytics screens: the way in, a unit's dashboard, a channel's page, units compared."""

from __future__ import annotations

from django.urls import path

from pressroom.analytics import compare_views, dashboard_views

urlpatterns = [
    path("", dashboard_views.analytics_home, name="analytics_home"),
    path("<int:unit_id>/", dashboard_views.unit_dashboard, name="analytics_unit"),
    path("channel/<int:channel_id>/", dashboard_views.channel_page, name="analytics_channel"),
    path("compare/", compare_views.compare, name="analytics_compare"),
]
