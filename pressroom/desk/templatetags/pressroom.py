"""Template helpers shared by every page: the user's units and roles, names, status badges."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.db.models import QuerySet

from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Membership
from pressroom.platforms.registry import DESCRIPTORS

register = template.Library()


@register.simple_tag
def memberships_of(user: Any) -> QuerySet[Membership] | list[Membership]:
    """The units the user belongs to, with the role, for the header."""
    if not getattr(user, "is_authenticated", False):
        return []
    return Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")


@register.simple_tag
def manages_a_unit(user: Any) -> bool:
    """Whether the user administers a unit: the header then offers the people pages."""
    if not getattr(user, "is_authenticated", False):
        return False
    return units_for(user, Capability.MANAGE).exists()


@register.filter
def person(user: Any) -> str:
    """A person's name in Vietnamese order (family name first), or the user name."""
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or user.get_username()


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
