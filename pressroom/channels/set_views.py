"""The saved channel sets: those offered to the person, and deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pressroom.channels import sets
from pressroom.channels.models import ChannelSet
from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability


@login_required
@require_GET
def set_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    compose_units = units_for(request.user, Capability.COMPOSE)
    own = set(compose_units.values_list("pk", flat=True))
    offered = [
        (channel_set, channel_set.unit_id in own)
        for channel_set in sets.offered_sets(compose_units)
    ]
    return render(request, "channels/set_list.html", {"offered": offered})


@login_required
@require_POST
def set_delete(request: AuthenticatedHttpRequest, set_id: int) -> HttpResponse:
    channel_set = get_object_or_404(ChannelSet.objects.select_related("unit"), pk=set_id)
    if (
        not sets.offered_sets(units_for(request.user, Capability.COMPOSE))
        .filter(pk=channel_set.pk)
        .exists()
    ):
        raise Http404
    try:
        sets.delete_channel_set(channel_set=channel_set, by=request.user)
    except ActionError as error:
        messages.error(request, _("The set was not deleted:"))
        add_to_messages(request, error)
    else:
        messages.success(request, _("The set “%(name)s” is deleted.") % {"name": channel_set.name})
    return redirect("channel_set_list")
