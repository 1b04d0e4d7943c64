"""Signing in: what a person sees once too many wrong passwords locked the sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """django-axes' lockout page: the sign-in form again, with why it refuses (429)."""
    message = _(
        "Too many wrong passwords for this account from your address. Sign-in is locked "
        "for %(minutes)d minutes; then try again, or ask your unit administrator to reset "
        "your password."
    ) % {"minutes": lockout_minutes()}
    context = {"form": AuthenticationForm(request), "lockout_message": message}
    return render(request, "registration/login.html", context, status=429)
