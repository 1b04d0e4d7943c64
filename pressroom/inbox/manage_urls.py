"""URLs of the inbox's settings, reports, moderation log and data-subject requests."""

from __future__ import annotations

from django.urls import URLPattern, path

from pressroom.inbox import manage_views, moderation_views, privacy_views, report_views

urlpatterns: list[URLPattern] = [
    path("unit/<int:unit_id>/policy/", manage_views.unit_policy, name="inbox_policy"),
    path("overdue/", report_views.overdue_list, name="inbox_overdue"),
    path("report/", report_views.report, name="inbox_report"),
    path("saved-replies/", manage_views.saved_reply_list, name="inbox_saved_replies"),
    path(
        "saved-replies/<int:saved_reply_id>/",
        manage_views.saved_reply_edit,
        name="inbox_saved_reply_edit",
    ),
    path(
        "saved-replies/<int:saved_reply_id>/delete/",
        manage_views.saved_reply_delete,
        name="inbox_saved_reply_delete",
    ),
    path("moderation-log/", moderation_views.moderation_log_page, name="inbox_moderation_log"),
    path("data-requests/", privacy_views.data_request_list, name="inbox_data_requests"),
    path(
        "data-requests/<int:request_id>/",
        privacy_views.data_request_detail,
        name="inbox_data_request",
    ),
    path(
        "data-requests/<int:request_id>/acknowledge/",
        privacy_views.data_request_acknowledge,
        name="inbox_data_request_acknowledge",
    ),
    path(
        "data-requests/<int:request_id>/complete/",
        privacy_views.data_request_complete,
        name="inbox_data_request_complete",
    ),
    path(
        "data-requests/<int:request_id>/refuse/",
        privacy_views.data_request_refuse,
        name="inbox_data_request_refuse",
    ),
]
