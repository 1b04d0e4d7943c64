"""A catalogue inherited down the tree: a unit's themes and emergency templates are offered to
every unit below it. One way to list them, load one for a request and show them as rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.orgs.access import AnyUser, capabilities_in, units_for, with_ancestors
from pressroom.orgs.models import Capability, Unit


def _unit_of(item: models.Model) -> Unit:
    unit: Unit = item.unit  # type: ignore[attr-defined]
    return unit


def visible_in_tree[Item: models.Model](items: QuerySet[Item], user: AnyUser) -> QuerySet[Item]:
    """Those of the units the user may view and of every unit above them (inherited)."""
    return items.filter(unit__in=with_ancestors(units_for(user, Capability.VIEW))).select_related(
        "unit"
    )


def offered_to[Item: models.Model](items: QuerySet[Item], units: QuerySet[Unit]) -> QuerySet[Item]:
    """The active ones offered to these units: their own and those of every unit above."""
    return items.filter(unit__in=with_ancestors(units), is_active=True).select_related("unit")


def get_in_tree_for[Item: models.Model](
    request: HttpRequest, items: QuerySet[Item], pk: int
) -> tuple[Item, set[str]]:
    """The item and the user's capabilities in its unit; 404 unless the user sees it: the
    people of its unit and of every unit below it do."""
    item = get_object_or_404(items.select_related("unit"), pk=pk)
    unit = _unit_of(item)
    if not units_for(request.user, Capability.VIEW).filter(Q(path__startswith=unit.path)).exists():
        raise Http404
    return item, set(capabilities_in(request.user, unit))


@dataclass(frozen=True)
class CatalogueRow:
    item: models.Model
    # From a unit above the user's own (shown, not changed here).
    inherited: bool
    can_edit: bool


def catalogue_rows[Item: models.Model](
    items: QuerySet[Item], user: AnyUser
) -> tuple[list[CatalogueRow], bool]:
    """The rows of a catalogue page, and whether the user may add to it (a unit admin)."""
    own_ids = set(units_for(user, Capability.VIEW).values_list("pk", flat=True))
    manage_ids = set(units_for(user, Capability.MANAGE).values_list("pk", flat=True))
    rows = [
        CatalogueRow(
            item=item,
            inherited=_unit_of(item).pk not in own_ids,
            can_edit=_unit_of(item).pk in manage_ids,
        )
        for item in items
    ]
    return rows, bool(manage_ids)
