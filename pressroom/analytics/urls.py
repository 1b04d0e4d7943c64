"""Analytics pages: dashboards and period reports, under /analytics/."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("reports/", include("pressroom.analytics.report_urls")),
    path("", include("pressroom.analytics.dashboard_urls")),
]
