"""Who may do what where: roles given on a unit hold for every unit below it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from pressroom.orgs.models import ROLE_CAPABILITIES, Membership, Unit

AnyUser = AbstractBaseUser | AnonymousUser


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
    """Units where the user has the capability (the subtrees below their memberships)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    paths = Membership.objects.filter(user=user, role__in=roles).values_list(
        "unit__path", flat=True
    )
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    if not condition:
        return Unit.objects.none()
    return Unit.objects.filter(condition)
