"""The queue: each channel's next free good hour, across days and time zones."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.test import override_settings
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.errors import ActionError
from pressroom.publishing import queue, scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


@override_settings(QUEUE_SLOTS=("07:30", "11:30", "20:00"))
class QueueTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.zalo = self.make_channel(self.district, "zalo")

    def test_the_next_slot_is_read_in_vietnam_time_and_rolls_to_the_next_day(self) -> None:
        # 13:05 UTC is 20:05 in Hà Nội: today's last slot has gone, tomorrow's first is next.
        with time_machine.travel(datetime(2026, 12, 7, 13, 5, tzinfo=UTC), tick=False):
            slots = queue.next_free_slots([self.facebook], after=datetime.now(UTC))
        self.assertEqual(slots[self.facebook.pk], datetime(2026, 12, 8, 7, 30, tzinfo=VIETNAM))

    def test_a_slot_closer_than_the_lead_time_is_skipped(self) -> None:
        # 11:25 in Hà Nội: 11:30 is five minutes away, too close; 20:00 is next.
        with time_machine.travel(datetime(2026, 12, 7, 4, 25, tzinfo=UTC), tick=False):
            slots = queue.next_free_slots([self.facebook], after=datetime.now(UTC))
        self.assertEqual(slots[self.facebook.pk], datetime(2026, 12, 7, 20, 0, tzinfo=VIETNAM))

    def test_a_taken_slot_is_skipped_per_channel(self) -> None:
        with time_machine.travel(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), tick=False):
            first = self.make_approved_post(channels=[self.facebook])
            scheduling.schedule_post(
                post=first, by=self.approver, at=datetime(2026, 12, 7, 7, 40, tzinfo=VIETNAM)
            )
            slots = queue.next_free_slots([self.facebook, self.zalo], after=datetime.now(UTC))
        self.assertEqual(slots[self.facebook.pk], datetime(2026, 12, 7, 11, 30, tzinfo=VIETNAM))
        self.assertEqual(slots[self.zalo.pk], datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM))

    def test_a_channels_own_hours(self) -> None:
        self.zalo.options = {**(self.zalo.options or {}), "slots": ["21:15", "06:00"]}
        self.zalo.save()
        with time_machine.travel(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), tick=False):
            slots = queue.next_free_slots([self.zalo], after=datetime.now(UTC))
        self.assertEqual(slots[self.zalo.pk], datetime(2026, 12, 7, 21, 15, tzinfo=VIETNAM))
        self.assertEqual(queue.parse_slots(["21:15", "06:00", "06:00"])[0].hour, 6)
        with self.assertRaises(ValueError):
            queue.parse_slots(["25:00"])

    def test_adding_to_the_queue_gives_each_channel_its_own_time(self) -> None:
        with time_machine.travel(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), tick=False):
            busy = self.make_approved_post(channels=[self.facebook])
            scheduling.schedule_post(
                post=busy, by=self.approver, at=datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM)
            )
            post = self.make_approved_post(channels=[self.facebook, self.zalo])
            self.login(self.approver)
            response = self.client.post(
                reverse("post_schedule", args=[post.pk]), {"when": "queue"}, follow=True
            )
        self.assertContains(response, "In the queue:")
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        self.assertEqual(post.scheduled_at, datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM))
        due = dict(Delivery.objects.filter(post=post).values_list("channel_id", "due_at"))
        self.assertEqual(due[self.zalo.pk], datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM))
        self.assertEqual(due[self.facebook.pk], datetime(2026, 12, 7, 11, 30, tzinfo=VIETNAM))
        self.assertTrue(AuditEvent.objects.filter(action="post.queue").exists())

    def test_only_an_approver_and_never_an_alert(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        with self.assertRaises(ActionError):
            queue.queue_post(post=post, by=self.member)
        Post.objects.filter(pk=post.pk).update(is_emergency=True)
        post.refresh_from_db()
        with self.assertRaises(ActionError):
            queue.queue_post(post=post, by=self.approver)
        self.assertFalse(Delivery.objects.exists())


class SlotSettingTests(ViewTestCase):
    def test_an_administrator_sets_the_hours_and_bad_ones_are_refused(self) -> None:
        facebook = self.make_channel(self.district, "facebook")
        self.login(self.owner)
        url = reverse("channel_slots", args=[facebook.pk])
        self.client.post(url, {"slots": "20:00, 6:45"})
        facebook.refresh_from_db()
        self.assertEqual(facebook.options["slots"], ["06:45", "20:00"])
        page = self.client.get(reverse("channel_detail", args=[facebook.pk]))
        self.assertContains(page, "06:45, 20:00")
        response = self.client.post(url, {"slots": "7h30"}, follow=True)
        self.assertContains(response, "Write from 1 to 8 times as HH:MM")
        self.client.post(url, {"slots": ""})
        facebook.refresh_from_db()
        self.assertNotIn("slots", facebook.options)
        with self.assertRaises(ActionError):
            queue.set_slots(channel=facebook, text="08:00", by=self.member)
        self.assertEqual(AuditEvent.objects.filter(action="channel.edit").count(), 2)
