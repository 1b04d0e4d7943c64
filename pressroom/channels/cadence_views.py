"""Pages that set how many posts a week channels should have: a channel's own target, and a
unit's policy for its channels and those of the units below it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pressroom.channels.access import get_channel_for
from pressroom.channels.cadence_target import (
    MOST,
    policies_above,
    policy_target,
    set_target,
    set_unit_policy,
)
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import capabilities_in, get_unit_for
from pressroom.orgs.models import Capability, Unit

# The units and channels below listed with a target of their own, at most.
LISTED_BELOW = 50


def _number(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # refused by the action with its message


def _numbers(request: AuthenticatedHttpRequest) -> tuple[int | None, int | None]:
    if "clear" in request.POST:
        return None, None
    return _number(request.POST.get("low", "")), _number(request.POST.get("high", ""))


@login_required
@require_POST
def channel_cadence(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    """A unit administrator sets how many posts a week the channel should have, or removes
    the channel's own target to follow its unit's policy again."""
    channel, _capabilities = get_channel_for(request, channel_id)
    low, high = _numbers(request)
    try:
        set_target(channel=channel, low=low, high=high, by=request.user)
    except ActionError as error:
        messages.error(request, _("The target was not saved:"))
        add_to_messages(request, error)
    else:
        if low is None:
            messages.success(
                request, _("The channel's own target is removed: it follows its unit's policy.")
            )
        else:
            messages.success(request, _("The channel's target is saved."))
    return redirect("channel_detail", channel_id=channel.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_cadence(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """A unit's posts-a-week policy, for its administrators and those of the units above."""
    unit, capabilities = get_unit_for(request, unit_id)
    if Capability.MANAGE not in capabilities:
        raise PermissionDenied
    if request.method == "POST":
        low, high = _numbers(request)
        try:
            set_unit_policy(unit=unit, low=low, high=high, by=request.user)
        except ActionError as error:
            messages.error(request, _("The policy was not saved:"))
            add_to_messages(request, error)
        else:
            if low is None:
                saved = _("%(unit)s follows the policy of the units above it again.")
            else:
                saved = _("The posts-a-week policy of %(unit)s is saved.")
            messages.success(request, saved % {"unit": unit})
        return redirect("unit_cadence", unit_id=unit.pk)
    current = policy_target(unit, policies_above([unit]))
    own = current.policy_of is not None and current.policy_of.pk == unit.pk
    inherited_from = current.policy_of if not own else None
    may_open_above = inherited_from is not None and Capability.MANAGE in capabilities_in(
        request.user, inherited_from
    )
    below = Unit.objects.filter(
        path__startswith=unit.path, cadence_low__isnull=False, cadence_high__isnull=False
    ).exclude(pk=unit.pk)
    own_channels = Channel.objects.filter(
        unit__path__startswith=unit.path, options__has_key="cadence"
    ).select_related("unit")
    return render(
        request,
        "channels/unit_cadence.html",
        {
            "unit": unit,
            "current": current,
            "own": own,
            "inherited_from": inherited_from,
            "may_open_above": may_open_above,
            "below": list(below.order_by("path")[:LISTED_BELOW]),
            "own_channels": list(own_channels.order_by("unit__path", "name")[:LISTED_BELOW]),
            "most": MOST,
        },
    )
