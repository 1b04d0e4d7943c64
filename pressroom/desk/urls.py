from __future__ import annotations

from django.urls import path

from pressroom.desk import notifications

urlpatterns = [
    path("", notifications.notification_list, name="notification_list"),
    path("<int:notification_id>/open/", notifications.notification_open, name="notification_open"),
    path("read-all/", notifications.notification_read_all, name="notification_read_all"),
]
