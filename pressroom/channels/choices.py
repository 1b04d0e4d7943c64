"""Choosing a channel in a filter when there are thousands: the select lists the channels of
the chosen unit and below it when they are few, the unit's own channels otherwise, and the
channel already chosen. Any channel the person may see is still accepted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pressroom.channels.models import Channel
from pressroom.orgs.access import tops
from pressroom.orgs.models import Unit

# At most this many channels are listed from a unit's subtree.
LISTED = 100


def channel_options(
    channels: QuerySet[Channel], units: QuerySet[Unit], unit: Unit | None, limit: int = LISTED
) -> tuple[list[Channel], bool]:
    """The channels to list for the chosen `unit` (None: the person's whole part of the
    tree), and whether they are only the unit's own channels because those below are many."""
    # The subtree's units first: their channels are then found by the unit index.
    scope = (
        channels.filter(unit__in=Unit.objects.filter(path__startswith=unit.path))
        if unit
        else channels
    )
    ordered = ("unit__path", "platform", "name")
    # How many, before reading them: a province has hundreds.
    if len(scope.values_list("pk", flat=True)[: limit + 1]) <= limit:
        return list(scope.select_related("unit").order_by(*ordered)), False
    own = channels.filter(unit=unit) if unit else channels.filter(unit__in=tops(units))
    return list(own.select_related("unit").order_by(*ordered)), True


def narrow_channel_field(
    form: forms.BaseForm,
    name: str,
    channels: QuerySet[Channel],
    units: QuerySet[Unit],
    unit: Unit | None,
    *,
    empty_label: Any,
    limit: int = LISTED,
) -> None:
    """Limit what the select of `form.fields[name]` (a ModelChoiceField over `channels`)
    lists, keeping the channel the bound data names; says so in the field's help text when
    only the unit's own channels are listed."""
    options, narrowed = channel_options(channels, units, unit, limit)
    field = form.fields[name]
    value = str(form.data.get(form.add_prefix(name)) or "") if form.is_bound else ""
    if value.isdigit() and all(option.pk != int(value) for option in options):
        picked = channels.select_related("unit").filter(pk=int(value)).first()
        if picked is not None:
            options.append(picked)
    field.widget.choices = [("", empty_label)] + [
        (option.pk, f"{option.name} · {option.get_platform_display()} · {option.unit.name}")
        for option in options
    ]
    if narrowed:
        field.help_text = _(
            "Only the unit's own channels are listed: choose a unit below it to list its channels."
        )
