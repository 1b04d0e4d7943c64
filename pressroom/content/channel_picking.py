"""Choosing many channels at once in the composer: a unit and all below it, every channel of
a platform, or a saved set; and the choice told as a summary with counts.

The quick choices are form fields: JavaScript ticks their channels at once, and without it
the server adds them when the form is sent. Either way the boxes end up ticked, so a form
error never loses the choice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.channels.sets import MAX_NAME, offered_sets
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import descriptor_for


@dataclass(frozen=True)
class Summary:
    total: int
    units: int
    per_platform: list[tuple[str, int]]


def add_fields(form: Any, units: QuerySet[Unit], channels: list[Channel]) -> None:
    """The quick-choice fields, offering only what has channels the person may choose."""
    with_channels = {channel.unit_id for channel in channels}
    unit_paths = {channel.unit.path for channel in channels}
    form.offered_units = [
        unit
        for unit in units.order_by("path")
        if any(path.startswith(unit.path) for path in unit_paths)
    ]
    form.offered_sets = [
        channel_set
        for channel_set in offered_sets(units)
        if any(channel.unit_id in with_channels for channel in channel_set.channels.all())
    ]
    platforms = sorted({channel.platform for channel in channels})
    form.fields["add_unit"] = forms.ChoiceField(
        label=_("All channels of a unit and the units below it"),
        required=False,
        choices=[("", "—")]
        + [(str(u.pk), "\u00a0\u00a0" * max(u.depth, 0) + u.name) for u in form.offered_units],
    )
    form.fields["add_platform"] = forms.ChoiceField(
        label=_("All channels of a platform"),
        required=False,
        choices=[("", "—")] + [(p, str(descriptor_for(p).channel_label)) for p in platforms],
    )
    form.fields["add_set"] = forms.ChoiceField(
        label=_("A saved set"),
        required=False,
        choices=[("", "—")] + [(str(s.pk), f"{s.name} · {s.unit.name}") for s in form.offered_sets],
    )
    form.fields["save_set_as"] = forms.CharField(
        label=_("Save this choice as a set named"),
        required=False,
        max_length=MAX_NAME,
        help_text=_("Saved for the post's unit; offered next time here and in the units below."),
    )


def picks(form: Any, channels: list[Channel]) -> dict[str, dict[str, Any]]:
    """Which channels each quick choice ticks, for the page's script."""
    by_unit = {
        str(unit.pk): [c.pk for c in channels if c.unit.path.startswith(unit.path)]
        for unit in form.offered_units
    }
    by_platform: dict[str, list[int]] = {}
    for channel in channels:
        by_platform.setdefault(channel.platform, []).append(channel.pk)
    available = {channel.pk for channel in channels}
    by_set = {
        str(s.pk): [c.pk for c in s.channels.all() if c.pk in available] for s in form.offered_sets
    }
    labels = {platform: descriptor_for(platform).label for platform in by_platform}
    return {"unit": by_unit, "platform": by_platform, "set": by_set, "labels": labels}


def expanded(form: Any, cleaned: dict[str, Any], channels: list[Channel]) -> set[int]:
    """The ids the quick choices add to the ticked boxes."""
    chosen = picks(form, channels)
    ids: set[int] = set()
    for key, field in (("unit", "add_unit"), ("platform", "add_platform"), ("set", "add_set")):
        value = cleaned.get(field)
        if value:
            ids.update(chosen[key].get(str(value), []))
    return ids


def summary_of(channels: list[Channel], chosen: set[str]) -> Summary:
    picked = [channel for channel in channels if str(channel.pk) in chosen]
    per_platform = Counter(descriptor_for(channel.platform).label for channel in picked)
    return Summary(
        total=len(picked),
        units=len({channel.unit_id for channel in picked}),
        per_platform=sorted(per_platform.items()),
    )
