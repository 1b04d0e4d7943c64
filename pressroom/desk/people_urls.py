"""Addresses of the people pages (under /people/)."""

from __future__ import annotations

from django.urls import path

from pressroom.desk import people_views

urlpatterns = [
    path("", people_views.people_list, name="people_list"),
    path("new/", people_views.person_create, name="person_create"),
    path("<int:person_id>/", people_views.person_detail, name="person_detail"),
    path("<int:person_id>/role/", people_views.person_set_role, name="person_set_role"),
    path(
        "<int:person_id>/roles/<int:membership_id>/remove/",
        people_views.person_remove_role,
        name="person_remove_role",
    ),
    path("<int:person_id>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("<int:person_id>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("<int:person_id>/send-link/", people_views.person_send_link, name="person_send_link"),
]
