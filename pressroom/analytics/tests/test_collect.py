"""Collection against the emulator over real HTTP: a new channel's history read back in
windows, a retired metric dropped and not asked again, a rate limit honoured, a gap closed,
posts' figures and the inbox's counts rolled up the tree."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, timedelta

import time_machine
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from pressroom.analytics import collect
from pressroom.analytics.figures import Period, totals
from pressroom.analytics.models import ChannelDay, CollectCursor, MetricSeries, PostFigures
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.platforms.base import Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.testing import RunningSandbox
from pressroom.publishing.models import Delivery
from pressroom.testing import TreeMixin

PAGE = "100000000007070"
WITH_A_RETIRED_METRIC = [
    {"name": "page_follows", "level": "page", "measure": "followers"},
    {"name": "page_impressions", "level": "page", "measure": "reach"},
    {"name": "page_views_total", "level": "page", "measure": "visits"},
    {"name": "post_media_view", "level": "post", "measure": "reach"},
]


@override_settings(ANALYTICS_BACKFILL_DAYS=200)
class CollectTests(TreeMixin, TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.build_tree()
        self.state = tempfile.TemporaryDirectory(prefix="pressroom-collect-")
        self.sandbox = RunningSandbox(self.state.name).start()
        self.access = self.sandbox.connect("facebook", PAGE, name="UBND xã Hợp Thành")
        self.channel = Channel(
            unit=self.commune,
            platform="facebook",
            name="UBND xã Hợp Thành",
            external_id=PAGE,
            api_base=self.access.api_base,
            is_sandbox=True,
        )
        self.channel.credentials = dict(self.access.credentials)
        self.channel.save()

    def tearDown(self) -> None:
        self.sandbox.stop()
        self.state.cleanup()
        super().tearDown()

    def publish(self, text: str) -> Delivery:
        async def run() -> str:
            async with make_http_client() as http:
                client = client_class("facebook")(self.access, http)
                outcome = await client.publish(Publication(text=text))
                return outcome.remote_id

        remote_id = asyncio.run(run())
        post = Post.objects.create(
            unit=self.commune, author=self.member, title=text, body=text, status="published"
        )
        return Delivery.objects.create(
            post=post,
            channel=self.channel,
            status=Delivery.Status.PUBLISHED,
            due_at=timezone.now(),
            remote_id=remote_id,
            published_at=timezone.now(),
        )

    def collect_all(self) -> int:
        rounds = 0
        while True:
            rounds += 1
            result = collect.collect_channel(Channel.objects.get(pk=self.channel.pk))
            self.assertEqual(result.error, "")
            if not result.more:
                return rounds

    def days(self) -> list[date]:
        return list(
            ChannelDay.objects.filter(channel=self.channel, reach__gt=0)
            .order_by("day")
            .values_list("day", flat=True)
        )

    def test_a_new_channels_history_is_read_back_in_windows_and_rolled_up(self) -> None:
        delivery = self.publish("Lịch tiếp công dân tháng 12")
        # Three days later (the post has been seen by then).
        traveller = time_machine.travel(timezone.now() + timedelta(days=3))
        traveller.start()
        self.addCleanup(traveller.stop)
        self.assertEqual(self.collect_all(), 3)  # 200 days in windows of at most 90
        days = self.days()
        yesterday = timezone.localdate() - timedelta(days=1)
        # Up to the last day the platform has finished (Facebook's days end in California).
        self.assertGreaterEqual(days[-1], yesterday - timedelta(days=1))
        self.assertEqual(len(days), (days[-1] - days[0]).days + 1, "no day missing")
        self.assertGreaterEqual(len(days), 198)
        followers = list(
            ChannelDay.objects.filter(channel=self.channel)
            .order_by("day")
            .values_list("followers", flat=True)
        )
        self.assertGreater(followers[-1], followers[0])
        # The commune's figures are its district's and its province's too.
        period = Period(days[0], yesterday)
        commune = totals(self.commune, period)
        self.assertGreater(commune.reach, 0)
        self.assertEqual(totals(self.district, period), commune)
        self.assertEqual(totals(self.province, period), commune)
        self.assertEqual(totals(self.sibling, period).reach, 0)
        # The post's own figures, with what reports group it by.
        figures = PostFigures.objects.get(delivery=delivery)
        self.assertGreater(figures.reach, 0)
        self.assertEqual((figures.unit_path, figures.format), (self.commune.path, "text"))
        # Where each measure came from, with the platform's definition.
        series = MetricSeries.objects.get(channel=self.channel, measure="reach")
        self.assertEqual(series.metric, "page_media_view")
        self.assertTrue(series.definition)

    @override_settings(FACEBOOK_INSIGHTS_METRICS=WITH_A_RETIRED_METRIC)
    def test_a_retired_metric_is_dropped_and_the_rest_read(self) -> None:
        result = collect.collect_channel(self.channel)
        self.assertEqual((result.error, result.dropped), ("", ["page_impressions"]))
        cursor = CollectCursor.objects.get(channel=self.channel)
        self.assertEqual(cursor.dropped, ["page_impressions"])
        self.assertTrue(ChannelDay.objects.filter(channel=self.channel, visits__gt=0).exists())
        # Not asked again.
        request = collect.request_for(self.channel, cursor)
        self.assertIn("page_impressions", request.skip_metrics)
        self.assertEqual(collect.collect_channel(self.channel).dropped, [])

    def test_a_rate_limit_holds_the_channel_back_as_long_as_asked(self) -> None:
        self.sandbox.add_fault(
            "facebook", "rate_limit", operation="insights", retry_after=600, count=1
        )
        result = collect.collect_channel(self.channel)
        self.assertTrue(result.error)
        cursor = CollectCursor.objects.get(channel=self.channel)
        self.assertIsNone(cursor.complete_until)
        self.assertNotIn(self.channel, collect.due_channels())
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            self.assertIn(self.channel, collect.due_channels())
            self.assertEqual(collect.collect_channel(self.channel).error, "")
        self.assertIsNotNone(CollectCursor.objects.get(channel=self.channel).complete_until)

    @override_settings(ANALYTICS_BACKFILL_DAYS=20)
    def test_days_missed_while_collection_was_stopped_are_read_when_it_resumes(self) -> None:
        now = timezone.now()
        with time_machine.travel(now - timedelta(days=12)):
            self.collect_all()
        before = self.days()
        self.assertLess(before[-1], timezone.localdate() - timedelta(days=12))
        self.collect_all()
        after = self.days()
        self.assertGreaterEqual(after[-1], timezone.localdate() - timedelta(days=2))
        self.assertEqual(after[: len(before)], before)
        self.assertEqual(len(after), (after[-1] - after[0]).days + 1, "the gap is closed")


class LevelsReadNowTests(TreeMixin, TransactionTestCase):
    """Followers a platform gives only as they stand now belong to today, even while a new
    channel's history is read back."""

    def test_followers_read_during_a_backfill_are_todays(self) -> None:
        self.build_tree()
        with tempfile.TemporaryDirectory(prefix="pressroom-collect-") as state:
            sandbox = RunningSandbox(state).start()
            self.addCleanup(sandbox.stop)
            access = sandbox.connect(
                "mastodon", "109000000000000042", name="ubnd_hopthanh", followers_count=1200
            )
            channel = Channel(
                unit=self.commune,
                platform="mastodon",
                name="UBND xã Hợp Thành",
                external_id=access.external_id,
                api_base=access.api_base,
                is_sandbox=True,
            )
            channel.credentials = dict(access.credentials)
            channel.save()
            result = collect.collect_channel(channel)
            self.assertEqual(result.error, "")
            self.assertTrue(result.more)  # the history goes on
            with_followers = list(
                ChannelDay.objects.filter(channel=channel, followers__gt=0).values_list(
                    "day", flat=True
                )
            )
            self.assertEqual(with_followers, [timezone.localdate()])
