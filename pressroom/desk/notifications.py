"""The notices of the person signed in: the bell's count, the list, marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.core.models import Notification

PER_PAGE = 30


def unread_count(request: HttpRequest) -> dict[str, int]:
    """Template context for every page: the number on the bell."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "desk/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read and go where it points (only within this site)."""
    notice = get_object_or_404(Notification, pk=notification_id, user=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if notice.link and safe:
        return HttpResponseRedirect(notice.link)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect(reverse("notification_list"))
