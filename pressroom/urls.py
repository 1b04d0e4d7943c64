"""URL map of the Pressroom web app."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from pressroom.content import calendar_views
from pressroom.content.urls import library_urlpatterns, pack_urlpatterns, theme_urlpatterns
from pressroom.core import language
from pressroom.desk import views as desk_views
from pressroom.inbox.moderation_views import moderation_policy
from pressroom.publishing.public_media import public_media

urlpatterns = [
    path("", desk_views.dashboard, name="dashboard"),
    # Browsers ask for /favicon.ico before reading a page's icon link.
    path("favicon.ico", desk_views.favicon, name="favicon"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The link a new person gets by e-mail to choose their password (pressroom.orgs.set_password).
    path(
        "sign-in/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html",
            success_url=reverse_lazy("set_password_done"),
        ),
        name="set_password",
    ),
    path(
        "sign-in/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/set_password_done.html"
        ),
        name="set_password_done",
    ),
    path("people/", include("pressroom.desk.people_urls")),
    path("posts/", include("pressroom.content.urls")),
    path("calendar/", calendar_views.post_calendar, name="calendar"),
    path("channels/", include("pressroom.channels.urls")),
    path("themes/", include(theme_urlpatterns)),
    path("library/", include(library_urlpatterns)),
    path("packs/", include(pack_urlpatterns)),
    path("notifications/", include("pressroom.desk.urls")),
    path("emergency/", include("pressroom.emergency.urls")),
    path("inbox/", include("pressroom.inbox.urls")),
    path("webhooks/", include("pressroom.inbox.webhook_urls")),
    path("corrections/", include("pressroom.corrections.urls")),
    path("analytics/", include("pressroom.analytics.urls")),
    path("audit/", include("pressroom.desk.audit_urls")),
    path("moderation-policy/", moderation_policy, name="moderation_policy"),
    path("m/<str:token>/<str:name>", public_media, name="public_media"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# The machine paths (webhooks) run without the page middleware: their errors are plain text.
handler400 = "pressroom.core.error_views.bad_request"
handler403 = "pressroom.core.error_views.permission_denied"
handler404 = "pressroom.core.error_views.page_not_found"
