"""How many posts a week a channel should have: its own target, else its unit's policy or the
nearest unit's above it, else the default (5 to 7); and the audited actions that set them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit

MOST = 50  # a week: anything above is a flood, never a target


@dataclass(frozen=True)
class Target:
    low: int
    high: int
    own: bool  # set for this channel (else a unit's policy or the default)
    policy_of: Unit | None = None  # the unit whose policy it is

    @property
    def is_default(self) -> bool:
        return not self.own and self.policy_of is None


def own_target(channel: Channel) -> Target | None:
    stored = (channel.options or {}).get("cadence")
    if isinstance(stored, list) and len(stored) == 2 and all(isinstance(n, int) for n in stored):
        return Target(stored[0], stored[1], own=True)
    return None


def policies_above(units: Iterable[Unit]) -> dict[int, Unit]:
    """The units with a policy among these and those above them, by id: one query (none if
    there are no units)."""
    ids = {unit_id for unit in units for unit_id in unit.ancestor_ids()}
    if not ids:
        return {}
    found = Unit.objects.filter(pk__in=ids, cadence_low__isnull=False, cadence_high__isnull=False)
    return {unit.pk: unit for unit in found}


def policy_target(unit: Unit, policies: dict[int, Unit]) -> Target:
    """The policy a channel of the unit follows: the unit's, the nearest above, the default."""
    for unit_id in reversed(unit.ancestor_ids()):
        holder = policies.get(unit_id)
        if (
            holder is not None
            and holder.cadence_low is not None
            and holder.cadence_high is not None
        ):
            return Target(holder.cadence_low, holder.cadence_high, own=False, policy_of=holder)
    low, high = settings.CADENCE_PER_WEEK
    return Target(low, high, own=False)


def target_of(channel: Channel, policies: dict[int, Unit] | None = None) -> Target:
    """The channel's target; give `policies` (from `policies_above`) to ask no query."""
    own = own_target(channel)
    if own is not None:
        return own
    if policies is None:
        policies = policies_above([channel.unit])
    return policy_target(channel.unit, policies)


def check_range(low: int | None, high: int | None) -> None:
    """Both numbers or neither, from 0 to MOST, the fewest no more than the most."""
    if (low is None) != (high is None):
        raise ActionError(_("Give both the fewest and the most posts a week, or neither."))
    if low is None or high is None:
        return
    problems = []
    if not (0 <= low <= MOST and 0 <= high <= MOST):
        problems.append(
            _("The number of posts a week must be a whole number from 0 to %(most)d.")
            % {"most": MOST}
        )
    if low > high:
        problems.append(_("The fewest posts a week cannot be more than the most."))
    if problems:
        raise ActionError(*problems)


@transaction.atomic
def set_target(*, channel: Channel, low: int | None, high: int | None, by: Any) -> Channel:
    """A unit administrator sets the channel's posts a week (both None: back to the policy)."""
    if Capability.MANAGE not in capabilities_in(by, channel.unit):
        raise ActionError(_("Only an administrator of the unit can set the channel's target."))
    check_range(low, high)
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
        action=Kind.CHANNEL_EDIT,
        obj=channel,
        unit_id=channel.unit_id,
        data={"cadence": {"before": [before.low, before.high], "after": [low, high]}},
    )
    return channel


@transaction.atomic
def set_unit_policy(*, unit: Unit, low: int | None, high: int | None, by: Any) -> Unit:
    """A unit administrator sets the posts a week for the unit's channels and those below
    without a target or policy of their own (both None: the unit follows the one above)."""
    if Capability.MANAGE not in capabilities_in(by, unit):
        raise ActionError(
            _("Only an administrator of %(unit)s can set its posts a week.") % {"unit": unit}
        )
    check_range(low, high)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = [unit.cadence_low, unit.cadence_high]
    unit.cadence_low, unit.cadence_high = low, high
    unit.save(update_fields=["cadence_low", "cadence_high"])
    record_event(
        actor=by,
        action=Kind.UNIT_CADENCE_SET,
        obj=unit,
        unit_id=unit.pk,
        data={"cadence": {"before": before, "after": [low, high]}},
    )
    return unit
