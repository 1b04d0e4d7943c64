from __future__ import annotations

from django.urls import path

from pressroom.analytics import report_views, schedule_views

urlpatterns = [
    path("<int:unit_id>/", report_views.report_page, name="analytics_report"),
    path(
        "<int:unit_id>/download.<str:kind>",
        report_views.report_download,
        name="analytics_report_download",
    ),
    path("<int:unit_id>/schedules/", schedule_views.schedules_page, name="analytics_schedules"),
    path(
        "schedules/<int:schedule_id>/remove/",
        schedule_views.schedule_remove,
        name="analytics_schedule_remove",
    ),
]
