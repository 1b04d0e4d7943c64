"""Error pages in the app's layout and the reader's language (Django's own are bare English):
the page shown when a form's CSRF check fails, with the reason logged, not shown; and the
404 of the machine paths (webhooks), which run without the page middleware and so cannot be
drawn in the layout."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF check failed for %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not hasattr(request, "user"):
        # A machine path: no session, no user, no layout.
        return _plain(404, _("Not found"))
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not hasattr(request, "user"):
        return _plain(403, _("Not allowed"))
    return defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not hasattr(request, "user"):
        return _plain(400, _("Bad request"))
    return defaults.bad_request(request, exception)
