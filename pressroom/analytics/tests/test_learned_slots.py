"""Good hours learned from history: the best half hours by median reactions and comments, in
Vietnam time, never at night; the queue takes them after the administrator's own hours and
before the default; the channel's page says which are in use and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pressroom.analytics.learned_slots import half_hour_of, learn_slots
from pressroom.analytics.tests.test_dashboard_views import published
from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.errors import ActionError
from pressroom.publishing import queue
from pressroom.testing import ViewTestCase

# Wednesday 2 December 2026, 09:00 in Hà Nội.
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def vietnam(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = (NOW.astimezone(VIETNAM) - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


@override_settings(QUEUE_SLOTS=("07:30", "11:30", "20:00"))
class LearnedSlotsTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def history(self, channel: Channel, hours: dict[tuple[int, int], list[int]]) -> None:
        """Posts published at these Vietnam times over the last weeks, with these
        reactions (comments are half of each figure, reactions the rest)."""
        number = 0
        for (hour, minute), figures in hours.items():
            for figure in figures:
                number += 1
                published(
                    channel,
                    f"Bài {number}",
                    vietnam(1 + number, hour, minute),
                    reactions=figure - figure // 2,
                    comments=figure // 2,
                )

    def test_half_hours_are_read_in_vietnam_time(self) -> None:
        # 23:50 UTC is 06:50 in Hà Nội the next day: the nearest half hour is 07:00.
        self.assertEqual(half_hour_of(datetime(2026, 12, 1, 23, 50, tzinfo=UTC)), 7 * 60)
        self.assertEqual(half_hour_of(datetime(2026, 12, 1, 0, 14, tzinfo=UTC)), 7 * 60)
        self.assertEqual(half_hour_of(datetime(2026, 12, 1, 0, 15, tzinfo=UTC)), 7 * 60 + 30)
        self.assertEqual(half_hour_of(datetime(2026, 12, 1, 16, 50, tzinfo=UTC)), 0)

    def test_the_best_three_hours_by_median_engagement_and_never_at_night(self) -> None:
        self.history(
            self.facebook,
            {
                # Posted at 23:50 UTC: 06:50 in Hà Nội, counted at 07:00.
                (6, 50): [40, 42, 44],
                (11, 20): [30, 31, 33],
                # One huge post does not make an hour: the median does not move for it.
                (15, 0): [900, 2, 3],
                (19, 40): [20, 21, 25],
                # The best figures of all, but at night.
                (23, 30): [500, 500, 500],
                (2, 0): [400, 400],
                # Next to 07:00, too close to be another slot.
                (7, 30): [35, 36],
                # A single post is no rule.
                (9, 0): [300],
            },
        )
        (learned,) = learn_slots(unit=self.district)
        self.assertEqual(learned.posts, 20)
        self.assertEqual(learned.slots, ["07:00", "11:30", "19:30"])
        self.facebook.refresh_from_db()
        choice = queue.slot_choice(self.facebook)
        self.assertEqual(choice.source, "learned")
        self.assertEqual([slot.strftime("%H:%M") for slot in choice.slots], learned.slots)
        # The queue uses them: at 09:00 the next is 11:30.
        slots = queue.next_free_slots([self.facebook], after=NOW)
        self.assertEqual(slots[self.facebook.pk], vietnam(0, 11, 30))
        event = AuditEvent.objects.get(action="channel.edit")
        self.assertEqual(event.data["learned_slots"]["after"], ["07:00", "11:30", "19:30"])
        # Learning again with the same history writes no second event.
        learn_slots(unit=self.district)
        self.assertEqual(AuditEvent.objects.filter(action="channel.edit").count(), 1)

    def test_too_little_history_keeps_the_default_and_says_how_much_there_is(self) -> None:
        self.history(self.facebook, {(8, 0): [10, 10, 10, 10], (18, 0): [5, 5, 5]})
        # Older than 90 days, or an alert: neither counts.
        published(self.facebook, "Cũ", vietnam(95, 8), reactions=99)
        alert = published(self.facebook, "Khẩn cấp", vietnam(3, 8), reactions=99)
        Post.objects.filter(pk=alert.pk).update(is_emergency=True)
        (learned,) = learn_slots(unit=self.district)
        self.assertEqual((learned.posts, learned.slots), (7, []))
        self.facebook.refresh_from_db()
        self.assertEqual(queue.slot_choice(self.facebook).source, "default")
        self.login(self.approver)
        page = self.client.get(reverse("channel_detail", args=[self.facebook.pk]))
        self.assertContains(page, "<strong>07:30, 11:30, 20:00</strong>", html=True)
        self.assertContains(
            page, "not enough history yet, 7 of 20 posts in the last 90 days", html=False
        )

    def test_posts_at_too_few_hours_keep_the_default(self) -> None:
        self.history(self.facebook, {(8, 0): [10] * 12, (9, 0): [5] * 10})
        (learned,) = learn_slots(unit=self.district)
        self.assertEqual((learned.posts, learned.slots), (22, []))
        self.facebook.refresh_from_db()
        self.assertIn("too few different hours", queue.slot_choice(self.facebook).reason())

    def test_the_administrators_hours_come_before_the_learned_ones(self) -> None:
        self.history(self.facebook, {(7, 0): [9] * 7, (12, 0): [8] * 7, (17, 0): [7] * 7})
        learn_slots(unit=self.district)
        self.facebook.refresh_from_db()
        self.login(self.owner)
        page = self.client.get(reverse("channel_detail", args=[self.facebook.pk]))
        self.assertContains(page, "<strong>07:00, 12:00, 17:00</strong>", html=True)
        self.assertContains(page, "Learned from 21 posts of the last 90 days (2 Dec 2026)")
        queue.set_slots(channel=self.facebook, text="06:00, 21:00", by=self.owner)
        self.facebook.refresh_from_db()
        self.assertEqual(queue.slot_choice(self.facebook).source, "own")
        page = self.client.get(reverse("channel_detail", args=[self.facebook.pk]))
        self.assertContains(page, "<strong>06:00, 21:00</strong>", html=True)
        self.assertContains(page, "Set by an administrator of the unit.")
        self.assertContains(page, "used if its own hours are removed: 07:00, 12:00, 17:00")
        # Learning again keeps the administrator's hours.
        learn_slots(unit=self.district)
        self.facebook.refresh_from_db()
        self.assertEqual(self.facebook.options["slots"], ["06:00", "21:00"])
        queue.set_slots(channel=self.facebook, text="", by=self.owner)
        self.facebook.refresh_from_db()
        self.assertEqual(queue.slot_choice(self.facebook).source, "learned")

    def test_the_window_moves_with_the_clock(self) -> None:
        self.history(self.facebook, {(7, 0): [9] * 7, (12, 0): [8] * 7, (17, 0): [7] * 7})
        with time_machine.travel(NOW + timedelta(days=80), tick=False):
            (learned,) = learn_slots(unit=self.district)
        # Eighty days on, only the posts of the first ten days are still in the window.
        self.assertLess(learned.posts, 20)
        self.assertEqual(learned.slots, [])

    def test_only_an_administrator_asks_and_other_units_are_left_alone(self) -> None:
        other = self.make_channel(self.sibling, "facebook")
        with self.assertRaises(ActionError):
            learn_slots(unit=self.district, by=self.approver)
        learn_slots(unit=self.district, by=self.owner)
        other.refresh_from_db()
        self.assertNotIn("learned_slots", other.options)

    def test_the_queries_do_not_grow_with_the_channels(self) -> None:
        self.history(self.facebook, {(7, 0): [9] * 7, (12, 0): [8] * 7, (17, 0): [7] * 7})
        with CaptureQueriesContext(connection) as one:
            learn_slots(unit=self.province)
        for number, unit in enumerate([self.commune, self.district, self.sibling] * 2):
            channel = Channel.objects.create(
                unit=unit, platform="zalo", name=f"Zalo {number}", external_id=f"oa-{number}"
            )
            self.history(channel, {(8, 0): [5] * 8, (13, 0): [6] * 8, (18, 0): [4] * 8})
        with CaptureQueriesContext(connection) as seven:
            learned = learn_slots(unit=self.province)
        self.assertEqual(len(learned), 7)
        self.assertTrue(all(row.slots for row in learned))
        self.assertEqual(len(seven), len(one))

    def test_the_command_learns_every_channel(self) -> None:
        self.history(self.facebook, {(7, 0): [9] * 7, (12, 0): [8] * 7, (17, 0): [7] * 7})
        call_command("learn_slots", "--unit", self.province.slug, verbosity=0)
        self.facebook.refresh_from_db()
        self.assertEqual(
            self.facebook.options["learned_slots"]["slots"], ["07:00", "12:00", "17:00"]
        )
