"""How often channels post: whole weeks from Monday to Sunday, read from the weekly rows,
the lowest listed first; and period totals refuse periods that overlap."""

from __future__ import annotations

from datetime import date, timedelta

from pressroom.analytics import store
from pressroom.analytics.figures import Period, cadence, totals_for_periods
from pressroom.channels.models import Channel
from pressroom.testing import BaseTestCase

# A Wednesday: the four whole weeks before it are Monday 2 to Sunday 29 November.
WEDNESDAY = date(2026, 12, 2)


class CadenceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page = self.make_channel(self.commune, "facebook")
        self.zalo = self.make_channel(self.commune, "zalo")
        self.busy = self.make_channel(self.district, "telegram")
        self.idle = self.make_channel(self.district, "mastodon")

    def posts(self, channel: Channel, first: date, days: int, per_day: int) -> None:
        store.set_days(
            channel, {first + timedelta(days=n): {"posts": per_day} for n in range(days)}
        )

    def test_whole_weeks_and_the_lowest_first(self) -> None:
        # Six posts inside the four weeks, and posts on either side that do not count.
        self.posts(self.page, date(2026, 11, 2), 6, 1)
        self.posts(self.page, date(2026, 11, 1), 1, 9)
        self.posts(self.page, date(2026, 11, 30), 3, 9)
        self.posts(self.zalo, date(2026, 11, 23), 7, 2)  # 14
        self.posts(self.busy, date(2026, 11, 2), 28, 1)  # 28: meets five a week
        found = cadence(self.district, WEDNESDAY, target=5)
        self.assertEqual((found.since, found.until), (date(2026, 11, 2), date(2026, 11, 29)))
        self.assertEqual((found.channels, found.below), (4, 3))
        self.assertEqual(
            [(entry.channel, entry.per_week) for entry in found.lowest],
            [(self.idle, 0.0), (self.page, 1.5), (self.zalo, 3.5)],
        )
        self.assertTrue(all(entry.below for entry in found.lowest))
        # A Sunday ends its own week.
        sunday = cadence(self.district, date(2026, 11, 29), target=5)
        self.assertEqual(sunday.until, date(2026, 11, 29))

    def test_only_the_lowest_are_listed_and_disconnected_channels_are_left_out(self) -> None:
        self.idle.status = Channel.Status.DISABLED
        self.idle.save()
        self.posts(self.page, date(2026, 11, 2), 2, 1)
        found = cadence(self.district, WEDNESDAY, target=5, listed=1)
        self.assertEqual((found.channels, found.below), (3, 3))
        # Nothing posted on two: the one higher in the tree comes first.
        self.assertEqual([entry.channel for entry in found.lowest], [self.busy])
        # Below the commune, only its channels.
        commune = cadence(self.commune, WEDNESDAY, target=5)
        self.assertEqual({entry.channel for entry in commune.lowest}, {self.page, self.zalo})

    def test_periods_that_overlap_are_refused(self) -> None:
        october = Period(date(2026, 10, 1), date(2026, 10, 31))
        with self.assertRaises(ValueError):
            totals_for_periods([self.district.pk], [october, Period.quarter(2026, 4)])
        # Apart, with days between them: each its own.
        self.posts(self.page, date(2026, 10, 5), 1, 3)
        self.posts(self.page, date(2026, 11, 5), 1, 4)
        self.posts(self.page, date(2026, 12, 5), 1, 5)
        december = Period(date(2026, 12, 1), date(2026, 12, 31))
        first, second = totals_for_periods([self.district.pk], [december, october])
        self.assertEqual(first[(self.district.pk, "")].posts, 5)
        self.assertEqual(second[(self.district.pk, "")].posts, 3)
