"""Loading channels for a request: the channel and what the user may do with it."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.channels.models import Channel
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability


def get_channel_for(request: HttpRequest, channel_id: int) -> tuple[Channel, set[str]]:
    """The channel and the user's capabilities in its unit; 404 for anyone who may not view it."""
    channel = get_object_or_404(Channel.objects.select_related("unit"), pk=channel_id)
    capabilities = set(capabilities_in(request.user, channel.unit))
    if Capability.VIEW not in capabilities:
        raise Http404
    return channel, capabilities
