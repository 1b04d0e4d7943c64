"""URLs of the correction desk: claims, their corrections, and the buttons under a flagged
message on the inbox's conversation page."""

from __future__ import annotations

from django.urls import path

from pressroom.corrections import match_views, views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("new/", views.claim_create, name="claim_create"),
    path("<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("<int:claim_id>/edit/", views.claim_edit, name="claim_edit"),
    path("<int:claim_id>/match/", views.claim_match, name="claim_match"),
    path(
        "<int:claim_id>/documents/<int:document_id>/",
        views.claim_document,
        name="claim_document",
    ),
    path("<int:claim_id>/correction/", views.correction_create, name="correction_create"),
    path("matches/<int:match_id>/use/", match_views.correction_use, name="correction_use"),
    path("matches/<int:match_id>/dismiss/", match_views.match_dismiss, name="match_dismiss"),
]
