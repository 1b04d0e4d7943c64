"""Template helpers shared by every page: the user's units and roles, names, status badges."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.db.models import QuerySet

from pressroom.orgs.models import ROLE_CAPABILITIES, Capability, Membership
from pressroom.orgs.names import full_name
from pressroom.platforms.registry import DESCRIPTORS

register = template.Library()


@register.simple_tag
def memberships_of(user: Any) -> QuerySet[Membership] | list[Membership]:
    """The units the user belongs to, with the role, for the header."""
    if not getattr(user, "is_authenticated", False):
        return []
    return Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")


@register.filter
def reads_audit_log(user: Any, memberships: Any) -> bool:
    """Whether the audit log's page is for this person, from the memberships the header has
    loaded already (no query of its own): a superuser, or an approver or administrator of an
    active unit (the page's own check is `units_for(user, Capability.APPROVE)`)."""
    return _may(user, memberships, Capability.APPROVE)


@register.filter
def manages_people(user: Any, memberships: Any) -> bool:
    """Whether the people pages are for this person (an administrator of an active unit),
    from the header's memberships (no query of its own)."""
    return _may(user, memberships, Capability.MANAGE)


def _may(user: Any, memberships: Any, capability: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(
        capability in ROLE_CAPABILITIES.get(membership.role, frozenset())
        and membership.unit.is_active
        for membership in memberships
    )


@register.filter
def person(user: Any) -> str:
    """A person's name in Vietnamese order (family name first), or the user name."""
    return full_name(user)


@register.filter
def platform_label(platform: str) -> str:
    """A platform's brand name ("facebook" → "Facebook")."""
    return DESCRIPTORS[platform].label if platform in DESCRIPTORS else platform


@register.filter
def platforms_of(channels: Any) -> str:
    """The platforms a set of channels is on, by their brand names, for compact lists."""
    found = sorted({channel.platform for channel in channels})
    return " · ".join(
        DESCRIPTORS[platform].label if platform in DESCRIPTORS else platform for platform in found
    )


@register.filter
def web_url(value: str) -> str:
    """The address if it is an http(s) link, else nothing: platform data is not trusted."""
    return value if urlsplit(value or "").scheme in {"http", "https"} else ""


@register.inclusion_tag("core/badge.html")
def status_badge(obj: Any, field: str = "status") -> dict[str, Any]:
    """A coloured, labelled badge for a post's, delivery's or channel's status."""
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return {"value": value, "label": label}
