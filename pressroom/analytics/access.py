"""Who may see which figures: a unit's dashboard, or one of its channels', is for the people
who may view the unit; anyone else gets a 404, as everywhere in the app."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import Http404

from pressroom.channels.models import Channel
from pressroom.orgs.access import AnyUser
from pressroom.orgs.models import ROLE_CAPABILITIES, Capability, Membership, Unit


def trail_of(user: AnyUser, unit: Unit) -> list[Unit]:
    """The units from the highest one the user may view down to `unit` (one query), for the
    way back up; 404 when the user may not view `unit`."""
    if not user.is_authenticated:
        raise Http404
    ancestors: list[Unit] = list(
        Unit.objects.filter(pk__in=unit.ancestor_ids())
        .annotate(
            role=Subquery(
                Membership.objects.filter(user=user, unit=OuterRef("pk")).values("role")[:1]
            )
        )
        .order_by("path")
    )
    if getattr(user, "is_superuser", False):
        return ancestors
    for index, ancestor in enumerate(ancestors):
        # A role given on a unit holds for every unit below it.
        if Capability.VIEW in ROLE_CAPABILITIES.get(getattr(ancestor, "role", None) or "", ()):
            return ancestors[index:]
    raise Http404


def viewable_unit(user: AnyUser, unit_id: int) -> tuple[Unit, list[Unit]]:
    """The unit and the trail above it (two queries); 404 for anyone who may not view it."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    trail = trail_of(user, unit)
    return trail[-1], trail


def viewable_channel(user: AnyUser, channel_id: int) -> tuple[Channel, list[Unit]]:
    """The channel (its unit and collection cursor read with it) and its unit's trail."""
    channel = Channel.objects.select_related("unit", "collect_cursor").filter(pk=channel_id).first()
    if channel is None:
        raise Http404
    return channel, trail_of(user, channel.unit)


def top_unit(user: AnyUser) -> Unit | None:
    """The highest unit the user may view (by name among equals), or None."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Unit.objects.filter(is_active=True, parent__isnull=True).order_by("name").first()
    memberships = Membership.objects.filter(user=user, unit__is_active=True).select_related("unit")
    viewable = [m.unit for m in memberships if Capability.VIEW in ROLE_CAPABILITIES[m.role]]
    return min(viewable, key=lambda unit: (unit.depth, unit.name), default=None)
