"""Saved channel sets: written here (audited), offered in the composer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel, ChannelSet
from pressroom.core.errors import ActionError
from pressroom.core.text import nfc
from pressroom.orgs.access import capabilities_in, with_ancestors
from pressroom.orgs.models import Capability, Unit

MAX_NAME = ChannelSet._meta.get_field("name").max_length or 100


def offered_sets(units: QuerySet[Unit]) -> QuerySet[ChannelSet]:
    """The sets of these units and of the units above them (a province's set is offered to
    its communes), with their channels."""
    return (
        ChannelSet.objects.filter(unit__in=with_ancestors(units))
        .select_related("unit")
        .prefetch_related("channels")
        .order_by("unit__path", "name")
    )


@transaction.atomic
def save_channel_set(*, unit: Unit, name: str, channels: list[Channel], by: Any) -> ChannelSet:
    """Save (or replace) the unit's set of this name with these channels."""
    if Capability.COMPOSE not in capabilities_in(by, unit):
        raise ActionError(_("You may not save channel sets for %(unit)s.") % {"unit": unit})
    name = " ".join(nfc(name).split())
    if not name:
        raise ActionError(_("Give the set a name."))
    if len(name) > MAX_NAME:
        raise ActionError(_("A set's name may be at most %(max)d characters.") % {"max": MAX_NAME})
    if not channels:
        raise ActionError(_("Choose the channels of the set first."))
    channel_set, created = ChannelSet.objects.update_or_create(
        unit=unit, name=name, defaults={"created_by": by}
    )
    channel_set.channels.set(channels)
    record_event(
        actor=by,
        action="channel_set.save",
        obj=channel_set,
        unit_id=unit.pk,
        data={"name": name, "channels": sorted(c.pk for c in channels), "new": created},
    )
    return channel_set


@transaction.atomic
def delete_channel_set(*, channel_set: ChannelSet, by: Any) -> None:
    if Capability.COMPOSE not in capabilities_in(by, channel_set.unit):
        raise ActionError(
            _("You may not delete channel sets of %(unit)s.") % {"unit": channel_set.unit}
        )
    record_event(
        actor=by,
        action="channel_set.delete",
        obj=channel_set,
        unit_id=channel_set.unit_id,
        data={"name": channel_set.name},
    )
    channel_set.delete()
