"""Loading alerts and templates for a request: the object and what the user may do with it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.content.catalogue import get_in_tree_for, offered_to, visible_in_tree
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate
from pressroom.orgs.access import AnyUser, capabilities_in, units_for
from pressroom.orgs.models import Capability, Unit


def visible_alerts(user: AnyUser) -> QuerySet[EmergencyAlert]:
    """Alerts issued by a unit the user may view."""
    return EmergencyAlert.objects.filter(unit__in=units_for(user, Capability.VIEW))


def get_alert_for(request: HttpRequest, alert_id: int) -> tuple[EmergencyAlert, set[str]]:
    """The alert and the user's capabilities in its unit; 404 for anyone who may not view it."""
    alert = get_object_or_404(
        EmergencyAlert.objects.select_related(
            "unit", "post", "template", "composed_by", "confirmed_by", "cancelled_by"
        ),
        pk=alert_id,
    )
    capabilities = set(capabilities_in(request.user, alert.unit))
    if Capability.VIEW not in capabilities:
        raise Http404
    return alert, capabilities


def visible_templates(user: AnyUser) -> QuerySet[EmergencyTemplate]:
    """Templates of the units the user may view and of every unit above them (inherited)."""
    return visible_in_tree(EmergencyTemplate.objects.all(), user)


def templates_for(units: QuerySet[Unit]) -> QuerySet[EmergencyTemplate]:
    """The active templates offered to these units: their own and those of every unit above."""
    return offered_to(EmergencyTemplate.objects.all(), units)


def get_template_for(request: HttpRequest, template_id: int) -> tuple[EmergencyTemplate, set[str]]:
    """The template and the user's capabilities in its unit; 404 unless the user sees it (the
    people of its unit and of every unit below it)."""
    return get_in_tree_for(request, EmergencyTemplate.objects.all(), template_id)
