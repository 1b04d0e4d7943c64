"""How often channels post: whole weeks from Monday to Sunday, read from the weekly rows,
the lowest listed first; and period totals refuse periods that overlap."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from pressroom.analytics import cadence as cadences
from pressroom.analytics import store
from pressroom.analytics.figures import Period, cadence, totals_for_periods
from pressroom.analytics.models import ChannelCadence
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit
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

    def test_kept_rows_give_the_same_answer_while_their_weeks_are_the_last_ones(self) -> None:
        self.posts(self.page, date(2026, 11, 2), 6, 1)
        self.posts(self.zalo, date(2026, 11, 23), 7, 2)
        self.posts(self.busy, date(2026, 11, 2), 28, 1)
        live = cadence(self.district, WEDNESDAY, target=5)
        self.assertEqual(cadences.refresh(WEDNESDAY, target=5), 4)
        self.assertEqual(ChannelCadence.objects.filter(until=date(2026, 11, 29)).count(), 4)
        # Figures that arrive later are not seen until the next refresh: the kept rows answer.
        self.posts(self.idle, date(2026, 11, 2), 28, 1)
        with CaptureQueriesContext(connection) as queries:
            kept = cadence(self.district, WEDNESDAY, target=5)
        self.assertEqual(kept, live)
        self.assertIn("analytics_channelcadence", queries.captured_queries[0]["sql"])
        self.assertNotIn("analytics_channelweek", " ".join(q["sql"] for q in queries))
        commune = cadence(self.commune, WEDNESDAY, target=5)
        self.assertEqual({entry.channel for entry in commune.lowest}, {self.page, self.zalo})
        self.assertEqual(commune.channels, 2)
        # Another target, or weeks that are not the kept ones: read from the weeks.
        self.assertEqual(cadence(self.district, WEDNESDAY, target=1).below, 0)
        later = cadence(self.district, date(2026, 12, 7), target=5)
        self.assertEqual(later.until, date(2026, 12, 6))
        # 9 November to 6 December: the page's six posts fall out, the idle channel's count.
        self.assertEqual({entry.channel for entry in later.lowest}, {self.page, self.zalo})
        cadences.refresh(WEDNESDAY, target=5)
        self.assertEqual(cadence(self.district, WEDNESDAY, target=5).below, 2)

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


class CollectorKeepsTheCadenceTests(TransactionTestCase):
    """The command closes its connections between rounds: outside a test transaction."""

    @override_settings(SECRET_KEY_CONFIGURED=True, SECRET_KEY="k" * 60)
    def test_a_round_of_the_collector_keeps_every_connected_channels_weeks(self) -> None:
        commune = Unit.objects.create(name="Xã Hợp Thành", slug="hop-thanh", kind="commune")
        page = Channel(
            unit=commune,
            platform="facebook",
            name="Trang xã",
            external_id="1",
            api_base="http://127.0.0.1:9/x",
            is_sandbox=True,
        )
        page.credentials = {"page_token": "test-token"}
        page.save()
        store.set_days(page, {date.today() - timedelta(days=9): {"posts": 3}})
        out = io.StringIO()
        # The platform cannot be reached here: the round fails for it and keeps its weeks.
        call_command("collect", "--once", stdout=out)
        self.assertIn("1 channels read, 1 failed", out.getvalue())
        kept = ChannelCadence.objects.get(channel=page)
        self.assertEqual((kept.posts, kept.target, kept.name), (3, 5, "Trang xã"))
        self.assertEqual(kept.until.weekday(), 6)
