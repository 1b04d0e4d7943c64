"""The page shown when a form's CSRF check fails: in the app's layout and the reader's
language (Django's own is bare English), with the reason logged, not shown."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF check failed for %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)
