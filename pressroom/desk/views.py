"""The dashboard: what is waiting for the person who signed in; for a person who only reads
(no unit where they may write), what went out and how it was read (`reading`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from pressroom.channels.models import Channel
from pressroom.content import packs
from pressroom.content.cadence_gaps import gaps_of
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.desk.reading import reading_of
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability
from pressroom.publishing.models import Delivery
from pressroom.publishing.rows import delivery_rows

DASHBOARD_ROWS = 10
# Deliveries that need someone to look at them, or are still being worked on after a problem.
TROUBLED = (
    Delivery.Status.FAILED,
    Delivery.Status.PAUSED,
    Delivery.Status.UNKNOWN,
    Delivery.Status.WAITING_FOR_PERSON,
    Delivery.Status.RETRY,
)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    view_units = units_for(user, Capability.VIEW)
    compose_units = units_for(user, Capability.COMPOSE)
    can_compose = compose_units.exists()
    if not can_compose:
        return render(request, "desk/dashboard_reading.html", {"reading": reading_of(view_units)})
    # Only those who approve see what waits for an approval (an editor has nothing to do there).
    can_approve = units_for(user, Capability.APPROVE).exists()
    to_approve = (
        Post.objects.filter(
            unit__in=units_for(user, Capability.APPROVE), status=Post.Status.IN_REVIEW
        )
        .exclude(author=user.pk)
        # Nor what they changed themselves: someone else approves that version.
        .exclude(editors=user.pk)
        .select_related("unit", "author")
        .order_by("submitted_at")[:DASHBOARD_ROWS]
    )
    drafts = (
        Post.objects.filter(author=user.pk, status=Post.Status.DRAFT)
        .select_related("unit")
        .order_by("-updated_at")[:DASHBOARD_ROWS]
    )
    upcoming = (
        Post.objects.filter(
            unit__in=view_units, status=Post.Status.SCHEDULED, scheduled_at__gte=timezone.now()
        )
        .select_related("unit")
        .order_by("scheduled_at")[:DASHBOARD_ROWS]
    )
    troubled = list(
        Delivery.objects.filter(channel__unit__in=view_units, status__in=TROUBLED)
        .select_related("post", "channel")
        .order_by("-updated_at")[:DASHBOARD_ROWS]
    )
    problems = delivery_rows(troubled)
    gaps = gaps_of(
        Channel.objects.filter(unit__in=compose_units),
        first=timezone.localdate(timezone=VIETNAM),
    )
    today = timezone.localdate(timezone=VIETNAM)
    return render(
        request,
        "desk/dashboard.html",
        {
            "packs_waiting": packs.waiting_for(compose_units, today),
            "to_approve": to_approve,
            "drafts": drafts,
            "upcoming": upcoming,
            "problems": problems,
            "can_compose": can_compose,
            "can_approve": can_approve,
            "gaps": gaps,
        },
    )
