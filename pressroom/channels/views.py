"""Pages of channels: every channel the user may see, and one channel's details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pressroom.channels.access import get_channel_for
from pressroom.channels.cadence_target import target_of
from pressroom.channels.forms import UnknownOutcomeForm
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit
from pressroom.platforms.registry import descriptor_for
from pressroom.publishing.channel_state import set_unknown_outcome
from pressroom.publishing.models import Delivery
from pressroom.publishing.queue import set_slots, slot_choice
from pressroom.publishing.rows import delivery_rows

RECENT_DELIVERIES = 20


@login_required
@require_GET
def channel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    channels = Channel.objects.filter(
        unit__in=units_for(request.user, Capability.VIEW)
    ).select_related("unit")
    groups: dict[int, tuple[Unit, list[Channel]]] = {}
    may_connect = units_for(request.user, Capability.MANAGE).exists()
    for channel in channels.order_by("unit__path", "platform", "name"):
        groups.setdefault(channel.unit_id, (channel.unit, []))[1].append(channel)
    # Where a link to the unit's posts-a-week policy is offered.
    managed = set(
        units_for(request.user, Capability.MANAGE)
        .filter(pk__in=list(groups))
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "channels/channel_list.html",
        {"groups": list(groups.values()), "may_connect": may_connect, "managed": managed},
    )


@login_required
@require_GET
def channel_detail(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel, capabilities = get_channel_for(request, channel_id)
    return _render_channel(request, channel, capabilities)


def _render_channel(
    request: HttpRequest,
    channel: Channel,
    capabilities: frozenset[str] | set[str],
    outcome_form: UnknownOutcomeForm | None = None,
) -> HttpResponse:
    deliveries = list(
        channel.deliveries.select_related("post", "channel").order_by("-updated_at")[
            :RECENT_DELIVERIES
        ]
    )
    # A unit above may publish on this channel: its posts show here, but link only for those
    # who may open them.
    openable = set(
        channel.deliveries.filter(
            post__unit__in=units_for(request.user, Capability.VIEW)
        ).values_list("post_id", flat=True)
    )
    rows = delivery_rows(deliveries, openable_posts=openable)
    viewer_url = channel.options.get("viewer_url", "") if channel.is_sandbox else ""
    may_manage = Capability.MANAGE in capabilities
    descriptor = descriptor_for(channel.platform)
    choice = slot_choice(channel)
    if may_manage and descriptor.asks_after_lost_answer and outcome_form is None:
        outcome_form = UnknownOutcomeForm(
            initial={"choice": channel.options.get("unknown_outcome", "wait")},
            platform=channel.platform,
        )
    return render(
        request,
        "channels/channel_detail.html",
        {
            "channel": channel,
            "platform": descriptor,
            "rows": rows,
            "waiting_for_person": channel.deliveries.filter(
                status=Delivery.Status.WAITING_FOR_PERSON
            ).count(),
            "viewer_url": viewer_url,
            "may_manage": may_manage,
            "outcome_form": outcome_form if may_manage else None,
            "cadence_target": target_of(channel),
            "slots": [slot.strftime("%H:%M") for slot in choice.slots],
            "slot_choice": choice,
        },
    )


@login_required
@require_POST
def channel_slots(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel, _capabilities = get_channel_for(request, channel_id)
    try:
        set_slots(channel=channel, text=request.POST.get("slots", ""), by=request.user)
    except ActionError as error:
        messages.error(request, _("The hours were not saved:"))
        add_to_messages(request, error)
    else:
        messages.success(request, _("The channel's good hours are saved."))
    return redirect("channel_detail", channel_id=channel.pk)


@login_required
@require_POST
def channel_unknown_outcome(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    """A unit administrator chooses what a channel on a platform that can neither be asked
    nor take a resend safely (Telegram) does after a send whose answer was lost: wait for a
    person, or send again."""
    channel, capabilities = get_channel_for(request, channel_id)
    if Capability.MANAGE not in capabilities:
        messages.error(request, _("Only an administrator of the unit can change this setting."))
        return redirect("channel_detail", channel_id=channel.pk)
    descriptor = descriptor_for(channel.platform)
    if not descriptor.asks_after_lost_answer:
        messages.error(
            request,
            _(
                "%(platform)s can be asked whether a post went out, or takes a post sent "
                "again without showing it twice: there is nothing to choose."
            )
            % {"platform": descriptor.label},
        )
        return redirect("channel_detail", channel_id=channel.pk)
    form = UnknownOutcomeForm(request.POST, platform=channel.platform)
    if not form.is_valid():
        return _render_channel(request, channel, capabilities, outcome_form=form)
    set_unknown_outcome(channel=channel, choice=form.cleaned_data["choice"], by=request.user)
    if form.cleaned_data["choice"] == "resend":
        saved = _("Saved: a send %(platform)s does not confirm will be sent again.")
    else:
        saved = _("Saved: a send %(platform)s does not confirm will wait for a person to look.")
    messages.success(request, saved % {"platform": descriptor.label})
    return redirect("channel_detail", channel_id=channel.pk)
