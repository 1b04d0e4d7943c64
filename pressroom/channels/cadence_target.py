"""How many posts a week a channel should have: its own target, or the default (5 to 7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability

MOST = 50  # a week: anything above is a flood, never a target


@dataclass(frozen=True)
class Target:
    low: int
    high: int
    own: bool  # set for this channel (else the default)


def target_of(channel: Channel) -> Target:
    stored = (channel.options or {}).get("cadence")
    if isinstance(stored, list) and len(stored) == 2 and all(isinstance(n, int) for n in stored):
        return Target(stored[0], stored[1], own=True)
    low, high = settings.CADENCE_PER_WEEK
    return Target(low, high, own=False)


@transaction.atomic
def set_target(*, channel: Channel, low: int | None, high: int | None, by: Any) -> Channel:
    """A unit administrator sets the channel's posts a week (both None: back to the default)."""
    if Capability.MANAGE not in capabilities_in(by, channel.unit):
        raise ActionError(_("Only an administrator of the unit can set the channel's target."))
    if (low is None) != (high is None):
        raise ActionError(_("Give both the fewest and the most posts a week, or neither."))
    if low is not None and high is not None and not 0 <= low <= high <= MOST:
        raise ActionError(
            _("The fewest posts a week must be between 0 and the most, at most %(most)d.")
            % {"most": MOST}
        )
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    before = target_of(channel)
    options = dict(channel.options or {})
    if low is None:
        options.pop("cadence", None)
    else:
        options["cadence"] = [low, high]
    channel.options = options
    channel.save(update_fields=["options"])
    record_event(
        actor=by,
        action="channel.edit",
        obj=channel,
        unit_id=channel.unit_id,
        data={"cadence": {"before": [before.low, before.high], "after": [low, high]}},
    )
    return channel
