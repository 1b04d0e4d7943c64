"""The dispatcher sends approved posts to the sandbox over real HTTP and records the result."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from pressroom.audit.actions import verify_chain
from pressroom.channels.models import Channel
from pressroom.content.fingerprint import content_fingerprint
from pressroom.content.models import Post
from pressroom.publishing import claims, reaper, scheduling, wakeup
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import TOKENS, PublishingTestCase, run_dispatcher_once


class DispatcherTests(PublishingTestCase):
    def test_publishes_once_on_every_platform_with_photos(self) -> None:
        channels = [self.connect(platform) for platform in TOKENS]
        post = self.approved_post(channels, images=2)
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()

        deliveries = list(Delivery.objects.filter(post=post))
        self.assertEqual({d.status for d in deliveries}, {Delivery.Status.PUBLISHED})
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.PUBLISHED)
        ledger = [
            entry
            for entry in self.sandbox.ledger()
            if entry["kind"] not in ("photo", "media", "image")
        ]
        by_platform = {entry["platform"]: entry for entry in ledger}
        self.assertEqual(sorted(by_platform), sorted(TOKENS))
        self.assertEqual(len(ledger), 4, ledger)
        for delivery in deliveries:
            entry = by_platform[delivery.channel.platform]
            self.assertEqual(entry["account_id"], delivery.channel.external_id)
            self.assertEqual(entry["media_count"], 2)
            self.assertIn("lịch nghỉ Tết", entry["text"])
        self.assertTrue(verify_chain().ok)

    def test_text_post_on_telegram(self) -> None:
        channel = self.connect("telegram")
        post = self.approved_post([channel])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        delivery = Delivery.objects.get(post=post)
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        (entry,) = self.sandbox.ledger(platform="telegram")
        self.assertEqual(str(entry["remote_id"]), delivery.remote_id)

    def test_rejected_token_pauses_only_that_channel(self) -> None:
        good = self.connect("mastodon")
        bad = self.connect("facebook", registered_token="another-token")
        post = self.approved_post([good, bad])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(channel=good).status, Delivery.Status.PUBLISHED)
        paused = Delivery.objects.get(channel=bad)
        self.assertEqual(paused.status, Delivery.Status.PAUSED)
        self.assertEqual(paused.error_code, "190")
        bad.refresh_from_db()
        self.assertEqual(bad.status, Channel.Status.NEEDS_RECONNECT)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        self.assertEqual(len(self.sandbox.ledger(platform="facebook")), 0)

    def test_scheduled_post_waits_for_its_time(self) -> None:
        channel = self.connect("mastodon")
        post = self.approved_post([channel])
        scheduling.schedule_post(
            post=post, by=self.approver, at=timezone.now() + timedelta(hours=2)
        )
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(post=post).status, Delivery.Status.PENDING)
        self.assertEqual(self.sandbox.ledger(platform="mastodon"), [])

    def test_deliveries_are_made_once_per_channel_and_wait_paused_on_a_broken_one(self) -> None:
        good = self.connect("mastodon")
        broken = self.connect("telegram")
        Channel.objects.filter(pk=broken.pk).update(status=Channel.Status.NEEDS_RECONNECT)
        post = self.approved_post([good, broken])
        due = timezone.now() + timedelta(hours=1)
        scheduling.schedule_post(post=post, by=self.approver, at=due)
        made = {d.channel_id: d for d in Delivery.objects.filter(post=post)}
        self.assertEqual(made[good.pk].status, Delivery.Status.PENDING)
        self.assertEqual(made[broken.pk].status, Delivery.Status.PAUSED)
        self.assertEqual({d.due_at for d in made.values()}, {due})
        self.assertEqual(
            {d.give_up_at for d in made.values()}, {scheduling.deadline_for(post, due)}
        )
        self.assertEqual({d.attempts for d in made.values()}, {0})
        self.assertTrue(all(d.created_at and d.updated_at for d in made.values()))

        # Again, later, with the channel reconnected and one more channel chosen.
        Channel.objects.filter(pk=broken.pk).update(status=Channel.Status.CONNECTED)
        added = self.connect("facebook")
        post.channels.add(added)
        later = due + timedelta(hours=1)
        # Approved again, for the version with the added channel.
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.APPROVED, approved_fingerprint=content_fingerprint(post)
        )
        scheduling.schedule_post(post=post, by=self.approver, at=later)
        again = {d.channel_id: d for d in Delivery.objects.filter(post=post)}
        self.assertEqual(set(again), {good.pk, broken.pk, added.pk})
        self.assertEqual(made[broken.pk].pk, again[broken.pk].pk)
        self.assertEqual({d.status for d in again.values()}, {Delivery.Status.PENDING})
        self.assertEqual({d.due_at for d in again.values()}, {later})

    def test_claims_do_not_overlap(self) -> None:
        channels = [self.connect(platform) for platform in TOKENS]
        post = self.approved_post(channels)
        scheduling.schedule_post(post=post, by=self.approver)
        first = claims.claim_due(worker="a", limit=3)
        second = claims.claim_due(worker="b", limit=10)
        self.assertEqual(len(first), 3)
        self.assertEqual(len(second), 1)
        self.assertFalse(set(first) & set(second))

    def test_expired_claim_goes_back_to_the_queue(self) -> None:
        channel = self.connect("zalo")
        post = self.approved_post([channel])
        scheduling.schedule_post(post=post, by=self.approver)
        (claimed,) = claims.claim_due(worker="dead", limit=5)
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.CLAIMED)
        self.assertEqual(reaper.reap_expired_leases(now=timezone.now() + timedelta(hours=1)), 1)
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.RETRY)

    def test_expired_lease_while_sending_becomes_unknown_and_is_looked_for(self) -> None:
        channel = self.connect("zalo")
        post = self.approved_post([channel])
        scheduling.schedule_post(post=post, by=self.approver)
        (claimed,) = claims.claim_due(worker="dead", limit=5)
        claims.start_jobs(delivery_ids=[claimed], worker="dead")
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.SENDING)
        # The dispatcher died: its lease runs out.
        Delivery.objects.filter(pk=claimed).update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
        self.assertEqual(reaper.reap_expired_leases(), 1)
        delivery = Delivery.objects.get(pk=claimed)
        self.assertEqual(delivery.status, Delivery.Status.UNKNOWN)
        self.assertTrue(delivery.needs_look)
        # Nothing was published, so the check finds nothing and the post is sent once.
        run_dispatcher_once()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(len(self.sandbox.ledger(platform="zalo", top_level=1)), 1)
        kinds = list(delivery.history.values_list("kind", "outcome"))
        self.assertEqual(kinds, [("look", "not_found"), ("send", "published")])

    def test_claimed_ahead_stays_claimed_until_just_before_it_is_due(self) -> None:
        channel = self.connect("telegram")
        post = self.approved_post([channel])
        scheduling.schedule_post(
            post=post, by=self.approver, at=timezone.now() + timedelta(seconds=1)
        )
        (claimed,) = claims.claim_due(worker="w", limit=5, lookahead_s=2)
        (job,) = claims.start_jobs(delivery_ids=[claimed], worker="w")
        self.assertFalse(job.sending)
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.CLAIMED)
        # A dispatcher that dies now sent nothing: the delivery is simply queued again.
        expired = timezone.now() - timedelta(seconds=1)
        Delivery.objects.filter(pk=claimed).update(lease_until=expired)
        reaper.reap_expired_leases()
        delivery = Delivery.objects.get(pk=claimed)
        self.assertEqual(delivery.status, Delivery.Status.RETRY)
        self.assertFalse(delivery.needs_look)
        # Its former worker may no longer mark it as sending.
        self.assertEqual(claims.promote(delivery_ids=[claimed], worker="w"), [])
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.PUBLISHED)
        self.assertEqual(len(self.sandbox.ledger(platform="telegram", top_level=1)), 1)

    def test_queued_deliveries_wake_the_dispatchers_on_postgresql(self) -> None:
        """On PostgreSQL, publishing announces itself (NOTIFY) to every dispatcher's listener;
        SQLite has no such thing and the dispatchers rely on their poll."""
        woken = threading.Event()
        listener = wakeup.Listener.start_if_supported(woken.set)
        try:
            if connection.vendor != "postgresql":
                self.assertIsNone(listener)
                return
            assert listener is not None
            self.assertTrue(listener.listening.wait(timeout=10))
            post = self.approved_post([self.connect("telegram")])
            self.assertFalse(woken.is_set())
            scheduling.schedule_post(post=post, by=self.approver)
            self.assertTrue(woken.wait(timeout=10))
        finally:
            if listener is not None:
                listener.stop()
