"""The weekly and monthly rows are filled from the days already stored when the migrations
run."""

from __future__ import annotations

from datetime import date

from pressroom.analytics.models import ChannelWeek, UnitMonth
from pressroom.testing import MigrationTestCase

BEFORE = [("analytics", "0002_followers_read")]
AFTER = [("analytics", "0003_channel_weeks")]


class ChannelWeeksMigrationTests(MigrationTestCase):
    def test_posts_of_the_days_before_are_summed_per_week_from_monday(self) -> None:
        old = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        unit = old.get_model("orgs", "Unit").objects.create(name="Xã", slug="xa", path="/1/")
        channel = old.get_model("pressroom_channels", "Channel").objects.create(
            unit=unit, platform="zalo", name="Zalo", external_id="1"
        )
        days = old.get_model("analytics", "ChannelDay")
        # Sunday 29 November, Monday 30 November and Sunday 6 December 2026.
        for day, posts in (
            (date(2026, 11, 29), 2),
            (date(2026, 11, 30), 3),
            (date(2026, 12, 6), 4),
        ):
            days.objects.create(
                channel=channel, unit=unit, platform="zalo", day=day, posts=posts, reach=10
            )
        days.objects.create(channel=channel, unit=unit, platform="zalo", day=date(2026, 12, 7))
        self.migrate(AFTER)
        self.assertEqual(
            sorted(ChannelWeek.objects.values_list("channel_id", "week", "posts")),
            [(channel.pk, date(2026, 11, 23), 2), (channel.pk, date(2026, 11, 30), 7)],
        )


class UnitMonthsMigrationTests(MigrationTestCase):
    def test_the_days_of_the_roll_ups_before_are_summed_per_month(self) -> None:
        before = [("analytics", "0004_channel_cadence")]
        old = self.migrate(before).loader.project_state(before).apps
        unit = old.get_model("orgs", "Unit").objects.create(name="Tỉnh", slug="t", path="/1/")
        days = old.get_model("analytics", "UnitDay")
        for day, reach in (
            (date(2026, 10, 31), 5),
            (date(2026, 11, 1), 7),
            (date(2026, 11, 30), 11),
        ):
            days.objects.create(unit=unit, day=day, platform="zalo", reach=reach, followers=900)
        days.objects.create(unit=unit, day=date(2026, 11, 2), platform="facebook", posts=2)
        self.migrate([("analytics", "0005_unit_months")])
        self.assertEqual(
            sorted(UnitMonth.objects.values_list("month", "platform", "reach", "posts")),
            [
                (date(2026, 10, 1), "zalo", 5, 0),
                (date(2026, 11, 1), "facebook", 0, 2),
                (date(2026, 11, 1), "zalo", 18, 0),
            ],
        )
