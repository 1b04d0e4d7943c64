"""Cadence targets per channel and the gaps in a week's plan (days in Vietnam time)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.channels.cadence_target import set_target, target_of
from pressroom.channels.models import Channel
from pressroom.content.cadence_gaps import empty_runs, gaps_of
from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.testing import ViewTestCase

MONDAY = date(2026, 12, 7)


class EmptyRunTests(ViewTestCase):
    def test_runs_of_two_days_or_more(self) -> None:
        busy = {date(2026, 12, 7), date(2026, 12, 9)}
        self.assertEqual(
            empty_runs(busy, first=MONDAY, days=7),
            [(date(2026, 12, 10), date(2026, 12, 13))],
        )
        self.assertEqual(empty_runs(set(), first=MONDAY, days=2), [(MONDAY, date(2026, 12, 8))])
        self.assertEqual(empty_runs({MONDAY}, first=MONDAY, days=2), [])


@time_machine.travel(datetime(2026, 12, 7, 1, 0, tzinfo=UTC), tick=False)
class GapTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.zalo = self.make_channel(self.commune, "zalo")

    def plan(self, channel: Channel, *moments: datetime) -> None:
        for moment in moments:
            post = self.make_post(channels=[channel])
            Post.objects.filter(pk=post.pk).update(
                status=Post.Status.SCHEDULED, scheduled_at=moment
            )

    def test_a_post_late_in_the_evening_counts_on_its_vietnam_day(self) -> None:
        # 16:30 UTC on Wednesday is 23:30 on Wednesday in Hà Nội; 17:30 UTC is Thursday.
        self.plan(self.facebook, datetime(2026, 12, 9, 16, 30, tzinfo=UTC))
        self.plan(self.facebook, datetime(2026, 12, 10, 17, 30, tzinfo=UTC))
        gaps = gaps_of(Channel.objects.filter(pk=self.facebook.pk), first=MONDAY)
        (gap,) = gaps.few
        self.assertEqual(gap.planned, 2)
        self.assertEqual(
            gap.empty,
            [(date(2026, 12, 7), date(2026, 12, 8)), (date(2026, 12, 12), date(2026, 12, 13))],
        )

    def test_drafts_and_cancelled_posts_are_not_a_plan(self) -> None:
        post = self.make_post(channels=[self.zalo])
        Post.objects.filter(pk=post.pk).update(scheduled_at=datetime(2026, 12, 8, 2, tzinfo=UTC))
        (gap,) = gaps_of(Channel.objects.filter(pk=self.zalo.pk), first=MONDAY).few
        self.assertEqual(gap.planned, 0)
        self.assertEqual(gap.empty, [(MONDAY, date(2026, 12, 13))])

    def test_enough_is_no_gap_and_too_many_is_a_flood(self) -> None:
        self.plan(self.facebook, *[datetime(2026, 12, 7 + n, 2, tzinfo=UTC) for n in range(6)])
        gaps = gaps_of(Channel.objects.filter(pk=self.facebook.pk), first=MONDAY)
        self.assertEqual((gaps.few, gaps.many), ([], []))
        set_target(channel=self.facebook, low=1, high=3, by=self.owner)
        gaps = gaps_of(Channel.objects.filter(pk=self.facebook.pk), first=MONDAY)
        self.assertEqual([g.planned for g in gaps.many], [6])

    def test_the_dashboard_warns_whoever_plans_and_not_a_viewer(self) -> None:
        self.plan(self.facebook, datetime(2026, 12, 7, 3, tzinfo=UTC))
        self.login(self.member)
        page = self.client.get(reverse("dashboard"))
        self.assertContains(page, "Posting plan, 7 Dec to 13 Dec 2026")
        self.assertContains(page, self.zalo.name)
        self.assertNotContains(page, self.facebook.name)  # not the member's channel
        self.assertContains(page, "nothing planned Monday 7 Dec to Sunday 13 Dec")
        # An editor has no approval box.
        self.assertNotContains(page, "Waiting for your approval")
        self.login(self.approver)
        page = self.client.get(reverse("dashboard"))
        self.assertContains(page, "Waiting for your approval")
        self.assertContains(page, "1 post planned, target 5 to 7 a week")
        self.assertContains(page, "nothing planned Tuesday 8 Dec to Sunday 13 Dec")

    def test_the_calendar_week_shows_the_gaps_of_its_week(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("calendar"), {"view": "week", "date": "2026-12-16"})
        self.assertContains(page, "Posting plan, 14 Dec to 20 Dec 2026")
        month = self.client.get(reverse("calendar"), {"view": "month", "date": "2026-12-16"})
        self.assertNotContains(month, "Posting plan")


class TargetTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")

    def test_an_administrator_sets_the_target_and_it_is_audited(self) -> None:
        self.login(self.owner)
        self.client.post(
            reverse("channel_cadence", args=[self.facebook.pk]), {"low": "3", "high": "4"}
        )
        self.facebook.refresh_from_db()
        target = target_of(self.facebook)
        self.assertEqual((target.low, target.high, target.own), (3, 4, True))
        self.assertTrue(AuditEvent.objects.filter(action="channel.edit").exists())
        page = self.client.get(reverse("channel_detail", args=[self.facebook.pk]))
        self.assertContains(page, "Target: 3 to 4 posts a week.")
        self.client.post(
            reverse("channel_cadence", args=[self.facebook.pk]), {"low": "", "high": ""}
        )
        self.facebook.refresh_from_db()
        self.assertFalse(target_of(self.facebook).own)

    def test_bad_numbers_and_editors_are_refused_with_a_message(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("channel_cadence", args=[self.facebook.pk]),
            {"low": "8", "high": "2"},
            follow=True,
        )
        self.assertContains(response, "The fewest posts a week cannot be more than the most.")
        response = self.client.post(
            reverse("channel_cadence", args=[self.facebook.pk]),
            {"low": "x", "high": "2"},
            follow=True,
        )
        self.assertContains(response, "The target was not saved")
        with self.assertRaises(ActionError):
            set_target(channel=self.facebook, low=1, high=2, by=self.approver)
        self.assertFalse(target_of(Channel.objects.get(pk=self.facebook.pk)).own)
