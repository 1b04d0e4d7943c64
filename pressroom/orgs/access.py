"""Who may do what where: roles given on a unit hold for every unit below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.orgs.models import ROLE_CAPABILITIES, Capability, Membership, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Whoever is asking: a signed-in person, or a visitor who is not signed in.
type AnyUser = User | AnonymousUser


def capabilities_in(user: AnyUser, unit: Unit) -> frozenset[str]:
    """Everything the user may do in the unit, through a role on it or on any unit above."""
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return ROLE_CAPABILITIES["admin"]
    roles = Membership.objects.filter(user=user, unit_id__in=unit.ancestor_ids()).values_list(
        "role", flat=True
    )
    caps: set[str] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES[role]
    return frozenset(caps)


def units_for(user: AnyUser, capability: str) -> QuerySet[Unit]:
    """Active units where the user has the capability (the subtrees below their memberships)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if getattr(user, "is_superuser", False):
        return Unit.objects.filter(is_active=True)
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    paths = Membership.objects.filter(user=user, role__in=roles).values_list(
        "unit__path", flat=True
    )
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    if not condition:
        return Unit.objects.none()
    # A merged unit is kept as history but offered nowhere.
    return Unit.objects.filter(condition, is_active=True)


def tops(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units whose parent is not among them: where each part of the tree they cover starts."""
    return units.exclude(parent__in=units.values("pk"))


def with_ancestors(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units and every unit above them. Whatever is above one of the units and not one of
    them is above one of their tops: one query for those few ids, the rest a subquery (a
    national tree's 3,400 ids are never listed)."""
    above: set[int] = set()
    for path in tops(units).values_list("path", flat=True):
        above.update(int(part) for part in path.strip("/").split("/") if part)
    return Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=above))


def get_unit_for(request: HttpRequest, unit_id: int) -> tuple[Unit, set[str]]:
    """The unit and what the user may do in it; 404 for anyone who may not view it."""
    unit = get_object_or_404(Unit, pk=unit_id)
    capabilities = set(capabilities_in(request.user, unit))
    if Capability.VIEW not in capabilities:
        raise Http404
    return unit, capabilities
