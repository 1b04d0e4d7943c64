"""URLs of the inbox: conversations and replies here; the unit's settings, reports, the
moderation log and data-subject requests in manage_urls.py."""

from __future__ import annotations

from django.urls import include, path

from pressroom.inbox import list_views, views

urlpatterns = [
    path("", list_views.inbox_list, name="inbox_list"),
    path("<int:conversation_id>/", views.conversation_detail, name="inbox_conversation"),
    path("<int:conversation_id>/reply/", views.conversation_reply, name="inbox_reply"),
    path("<int:conversation_id>/assign/", views.conversation_assign, name="inbox_assign"),
    path("<int:conversation_id>/status/", views.conversation_status, name="inbox_status"),
    path("<int:conversation_id>/note/", views.conversation_note, name="inbox_note"),
    path("message/<int:message_id>/moderate/", views.message_moderate, name="inbox_moderate"),
    path("reply/<int:reply_id>/decide/", views.reply_decide, name="inbox_reply_decide"),
    path("events/", list_views.event_list, name="inbox_events"),
    path("", include("pressroom.inbox.manage_urls")),
]
