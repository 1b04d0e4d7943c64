"""Choosing a unit in a filter when the tree is large (a national tree has 3,400 units): the
select lists the person's top units and the units right below them, then the units above the
chosen one, the chosen one and those right below it; choosing a unit and showing lists its
units in turn. Any unit the person may see is still accepted (a link can name any of them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from pressroom.orgs.access import tops
from pressroom.orgs.models import Unit


def chosen(form: forms.BaseForm, name: str, visible: QuerySet[Unit]) -> Unit | None:
    """The visible unit a bound form names in field `name`, before the form is validated."""
    if not form.is_bound:
        return None
    value = str(form.data.get(form.add_prefix(name)) or "")
    if not value.isdigit():
        return None
    return visible.filter(pk=int(value)).first()


def unit_options(visible: QuerySet[Unit], unit: Unit | None) -> list[Unit]:
    """The units a filter's select offers (two queries): see the module's description."""
    starts = list(tops(visible).values_list("pk", flat=True))
    wanted = Q(pk__in=starts) | Q(parent__in=starts)
    if unit is not None:
        wanted |= Q(pk__in=unit.ancestor_ids()) | Q(parent=unit)
    return list(visible.filter(wanted).order_by("path"))


def label(unit: Unit, depth_of_top: int = 0) -> str:
    """The unit's name indented by its depth in the tree (below the person's top units)."""
    return "\u00a0\u00a0" * max(unit.depth - depth_of_top, 0) + unit.name


def narrow_unit_field(
    form: forms.BaseForm, name: str, visible: QuerySet[Unit], *, empty_label: Any
) -> Unit | None:
    """Limit what the select of `form.fields[name]` (a ModelChoiceField over `visible`)
    lists; returns the unit chosen in the bound data, if any."""
    unit = chosen(form, name, visible)
    options = unit_options(visible, unit)
    top_depth = min((option.depth for option in options), default=0)
    field = form.fields[name]
    field.widget.choices = [("", empty_label)] + [
        (option.pk, label(option, top_depth)) for option in options
    ]
    return unit
