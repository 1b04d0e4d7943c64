"""Pages of channels: every channel the user may see, and one channel's details."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pressroom.channels.access import get_channel_for
from pressroom.channels.models import Channel
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit
from pressroom.publishing.explanations import explain_error, explain_status

RECENT_DELIVERIES = 20


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = Channel.objects.filter(
        unit__in=units_for(request.user, Capability.VIEW)
    ).select_related("unit")
    groups: dict[int, tuple[Unit, list[Channel]]] = {}
    for channel in channels.order_by("unit__path", "platform", "name"):
        groups.setdefault(channel.unit_id, (channel.unit, []))[1].append(channel)
    return render(request, "channels/channel_list.html", {"groups": list(groups.values())})


@login_required
@require_GET
def channel_detail(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel, _capabilities = get_channel_for(request, channel_id)
    deliveries = list(
        channel.deliveries.select_related("post", "channel").order_by("-updated_at")[
            :RECENT_DELIVERIES
        ]
    )
    rows = [
        {
            "delivery": delivery,
            "status_explanation": explain_status(delivery),
            "error_explanation": explain_error(delivery),
        }
        for delivery in deliveries
    ]
    viewer_url = channel.options.get("viewer_url", "") if channel.is_sandbox else ""
    return render(
        request,
        "channels/channel_detail.html",
        {"channel": channel, "rows": rows, "viewer_url": viewer_url},
    )
