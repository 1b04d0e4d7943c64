"""The audit log's page and its export."""

from __future__ import annotations

from django.urls import path

from pressroom.desk import audit_views

urlpatterns = [
    path("", audit_views.audit_log, name="audit_log"),
    path("export.csv", audit_views.audit_export, name="audit_export"),
]
