"""URLs of emergency alerts, their templates and the two-factor set-up."""

from __future__ import annotations

from django.urls import path

from pressroom.emergency import views

urlpatterns = [
    path("", views.alert_list, name="emergency_list"),
    path("new/", views.alert_compose, name="emergency_compose"),
    path("<int:alert_id>/", views.alert_detail, name="emergency_detail"),
    path("<int:alert_id>/confirm/", views.alert_confirm, name="emergency_confirm"),
    path("<int:alert_id>/cancel/", views.alert_cancel, name="emergency_cancel"),
    path("<int:alert_id>/board/", views.alert_board, name="emergency_board"),
    path("templates/", views.template_list, name="emergency_template_list"),
    path("templates/new/", views.template_create, name="emergency_template_create"),
    path("templates/<int:template_id>/edit/", views.template_edit, name="emergency_template_edit"),
    path("two-factor/", views.two_factor_setup, name="two_factor"),
]
