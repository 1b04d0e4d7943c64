"""A channel filter lists the channels below the chosen unit when they are few, its own
channels otherwise, and keeps the channel already chosen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import translation

from pressroom.channels.choices import channel_options, narrow_channel_field
from pressroom.channels.models import Channel
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit
from pressroom.testing import BaseTestCase


class ChannelFilter(forms.Form):
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), required=False)

    def __init__(
        self, *args: Any, channels: QuerySet[Channel], units: QuerySet[Unit], unit: Unit, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        narrow_channel_field(self, "channel", channels, units, unit, empty_label="All", limit=2)


class ChannelChoicesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.own = self.make_channel(self.district, "facebook")
        self.below = [self.make_channel(self.commune, name) for name in ("zalo", "mastodon")]
        self.units = units_for(self.owner, Capability.VIEW)
        self.channels = Channel.objects.filter(unit__in=self.units)

    def test_few_channels_below_are_listed(self) -> None:
        options, narrowed = channel_options(self.channels, self.units, self.district, limit=3)
        self.assertEqual(options, [self.own, *sorted(self.below, key=lambda c: c.platform)])
        self.assertFalse(narrowed)
        options, narrowed = channel_options(self.channels, self.units, self.commune, limit=2)
        self.assertEqual(set(options), set(self.below))
        self.assertFalse(narrowed)

    def test_many_list_the_units_own_channels_and_keep_the_chosen_one(self) -> None:
        options, narrowed = channel_options(self.channels, self.units, self.district, limit=2)
        self.assertEqual((options, narrowed), ([self.own], True))
        # Nothing chosen: the channels of the person's top units.
        self.assertEqual(
            channel_options(self.channels, self.units, None, limit=2), ([self.own], True)
        )
        chosen = self.below[0]
        with translation.override("en"):
            form = ChannelFilter(
                {"channel": str(chosen.pk)},
                channels=self.channels,
                units=self.units,
                unit=self.district,
            )
        values = [value for value, _label in form.fields["channel"].widget.choices]
        self.assertEqual(values, ["", self.own.pk, chosen.pk])
        self.assertIn(
            "Only the unit's own channels are listed", str(form.fields["channel"].help_text)
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["channel"], chosen)
        # A channel the person may not see is neither listed nor accepted.
        hidden = self.make_channel(self.sibling, "telegram")
        refused = ChannelFilter(
            {"channel": str(hidden.pk)},
            channels=self.channels,
            units=self.units,
            unit=self.district,
        )
        self.assertNotIn(hidden.pk, [v for v, _ in refused.fields["channel"].widget.choices])
        self.assertFalse(refused.is_valid())
