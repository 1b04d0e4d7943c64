"""The delivery state machine against the sandbox with faults injected: exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail
from django.db import connection, transaction
from django.db.models import Min
from django.test import override_settings
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.core.models import Notification
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.publishing import channel_state, claims, looking, reaper, results, scheduling
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import (
    EXTERNAL_IDS,
    PublishingTestCase,
    run_dispatcher_once,
)

# The client gives up after 0.3 s; the sandbox holds its answer 1.5 s after creating the post.
FAST = override_settings(PLATFORM_TIMEOUT_S=0.3)
TASKS_NOW = override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)


def published_objects(sandbox: Any, platform: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = sandbox.ledger(
        platform=platform, account_id=EXTERNAL_IDS[platform], top_level=1
    )
    return entries


def drain(times: int = 6) -> None:
    """Run the dispatcher until nothing is due, a few times over, the clock moved on each
    time to the moment the next retry or look is due."""
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        for _ in range(times):
            run_dispatcher_once()
            next_due = Delivery.objects.filter(
                status__in=(Delivery.Status.RETRY, Delivery.Status.UNKNOWN)
            ).aggregate(Min("due_at"))["due_at__min"]
            if next_due is None:
                return
            traveller.move_to(max(next_due, timezone.now()))


class StateMachineTests(PublishingTestCase):
    def send(self, platform: str, **fault: object) -> Delivery:
        channel = self.connect(platform)
        post = self.approved_post([channel])
        if fault:
            self.sandbox.add_fault(platform, **fault)
        scheduling.schedule_post(post=post, by=self.approver)
        return Delivery.objects.get(post=post)

    @FAST
    def test_facebook_timeout_after_create_is_found_not_resent(self) -> None:
        delivery = self.send("facebook", kind="timeout_after_create", delay_s=1.5)
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        (entry,) = published_objects(self.sandbox, "facebook")
        self.assertEqual(entry["remote_id"], delivery.remote_id)
        self.assertEqual(
            list(delivery.history.values_list("kind", "outcome")),
            [("send", "unknown"), ("look", "published")],
        )

    @FAST
    def test_zalo_timeout_after_create_is_found_in_getslice(self) -> None:
        delivery = self.send(
            "zalo", kind="timeout_after_create", operation="article/create", delay_s=1.5
        )
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        (entry,) = published_objects(self.sandbox, "zalo")
        self.assertEqual(entry["remote_id"], delivery.remote_id)

    @FAST
    def test_mastodon_unknown_is_resent_with_the_same_idempotency_key(self) -> None:
        delivery = self.send("mastodon", kind="timeout_after_create", delay_s=1.5)
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(len(published_objects(self.sandbox, "mastodon")), 1)
        self.assertEqual(delivery.attempts, 2)

    @FAST
    def test_telegram_unknown_waits_for_a_person_by_default(self) -> None:
        delivery = self.send("telegram", kind="timeout_after_create", delay_s=1.5)
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.WAITING_FOR_PERSON)
        self.assertEqual(len(published_objects(self.sandbox, "telegram")), 1)
        # Someone looked at the channel and found the post.
        looking.record_look(delivery=delivery, by=self.owner, found=True)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(len(published_objects(self.sandbox, "telegram")), 1)

    @FAST
    def test_telegram_channel_may_choose_to_resend(self) -> None:
        """Its owners accept a possible second copy rather than wait for a person."""
        channel = self.connect("telegram")
        channel.options = {"unknown_outcome": "resend"}
        channel.save()
        post = self.approved_post([channel])
        self.sandbox.add_fault("telegram", kind="timeout_after_create", delay_s=1.5, count=1)
        scheduling.schedule_post(post=post, by=self.approver)
        drain()
        delivery = Delivery.objects.get(post=post)
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(
            list(delivery.history.values_list("kind", "outcome")),
            [("send", "unknown"), ("send", "published")],
        )
        # The first try did publish: the channel shows it twice, the risk it chose.
        self.assertEqual(len(published_objects(self.sandbox, "telegram")), 2)

    def test_telegram_lost_by_a_dead_dispatcher_waits_for_a_person_or_is_resent(self) -> None:
        waiting, resending = self.connect("telegram"), self.connect("telegram")
        resending.options = {"unknown_outcome": "resend"}
        resending.save()
        posts = [self.approved_post([channel]) for channel in (waiting, resending)]
        for post in posts:
            scheduling.schedule_post(post=post, by=self.approver)
        Delivery.objects.update(
            status=Delivery.Status.SENDING,
            claimed_by="dead",
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        self.assertEqual(reaper.reap_expired_leases(), 2)
        waits = Delivery.objects.get(channel=waiting)
        self.assertEqual(waits.status, Delivery.Status.WAITING_FOR_PERSON)
        resent = Delivery.objects.get(channel=resending)
        self.assertEqual(resent.status, Delivery.Status.RETRY)
        self.assertFalse(resent.needs_look)
        self.assertEqual(claims.claim_due(worker="w", limit=10), [resent.pk])

    def test_server_error_is_retried_and_published_once(self) -> None:
        delivery = self.send("telegram", kind="error", status=502, code=502, count=2)
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(delivery.attempts, 3)
        self.assertEqual(len(published_objects(self.sandbox, "telegram")), 1)

    def test_rate_limit_honours_retry_after_for_the_whole_channel(self) -> None:
        channel = self.connect("telegram")
        first = self.approved_post([channel])
        self.sandbox.add_fault("telegram", kind="rate_limit", retry_after=30, count=1)
        scheduling.schedule_post(post=first, by=self.approver)
        run_dispatcher_once()
        delivery = Delivery.objects.get(post=first)
        self.assertEqual(delivery.status, Delivery.Status.RETRY)
        wait = (delivery.due_at - timezone.now()).total_seconds()
        self.assertGreater(wait, 25)
        self.assertEqual(delivery.history.get().retry_after_s, 30)
        # A second post to the same channel waits as long, not hitting the limit again.
        second = self.approved_post([channel])
        scheduling.schedule_post(post=second, by=self.approver)
        results._hold_channel(channel.pk, until=delivery.due_at)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(post=second).status, Delivery.Status.PENDING)

    def test_permanent_rejection_fails_with_the_reason(self) -> None:
        delivery = self.send("mastodon", kind="reject", message="Validation failed: Text too long")
        run_dispatcher_once()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.FAILED)
        self.assertIn("Validation failed", delivery.error_message)
        self.assertEqual(published_objects(self.sandbox, "mastodon"), [])

    @TASKS_NOW
    def test_expired_token_pauses_the_channel_and_reconnecting_resumes(self) -> None:
        good = self.connect("facebook")
        bad = self.connect("zalo", registered_token="the-token-changed")
        post = self.approved_post([good, bad])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(channel=good).status, Delivery.Status.PUBLISHED)
        self.assertEqual(Delivery.objects.get(channel=bad).status, Delivery.Status.PAUSED)
        bad.refresh_from_db()
        self.assertEqual(bad.status, Channel.Status.NEEDS_RECONNECT)
        # The unit's editors and administrators are told, in the app and by e-mail.
        self.assertTrue(Notification.objects.filter(user=self.owner, kind="channel_paused"))
        self.assertTrue(any("Zalo" in m.subject or "zalo" in m.subject for m in mail.outbox))
        # Reconnecting with a working token sends what was paused.
        self.sandbox.add_account("zalo", EXTERNAL_IDS["zalo"], "a-new-token")
        resumed = channel_state.reconnect_channel(
            channel=bad,
            credentials={"access_token": "a-new-token", "refresh_token": "r"},
            by=self.owner,
        )
        self.assertEqual(resumed, 1)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(channel=bad).status, Delivery.Status.PUBLISHED)
        self.assertEqual(len(published_objects(self.sandbox, "zalo")), 1)

    def test_a_delivery_gives_up_after_its_deadline(self) -> None:
        delivery = self.send("telegram", kind="error", status=502, code=502, count=50)
        Delivery.objects.filter(pk=delivery.pk).update(give_up_at=timezone.now())
        run_dispatcher_once()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.FAILED)
        self.assertEqual(delivery.error_code, "deadline")

    def test_emergency_deliveries_are_claimed_first(self) -> None:
        channels = [self.connect(platform) for platform in ("facebook", "telegram")]
        ordinary = self.approved_post(channels)
        scheduling.schedule_post(post=ordinary, by=self.approver)
        urgent = self.approved_post(channels)
        urgent.is_emergency = True
        urgent.save()
        scheduling.schedule_post(post=urgent, by=self.approver)
        first = claims.claim_due(worker="w", limit=2)
        self.assertEqual(
            set(Delivery.objects.filter(pk__in=first).values_list("post_id", flat=True)),
            {urgent.pk},
        )

    def test_mastodon_marked_for_a_check_is_resent_not_checked_forever(self) -> None:
        """A Mastodon delivery caught between the reaper's steps is resent with its key."""
        delivery = self.send("mastodon")
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.UNKNOWN, needs_look=True, due_at=timezone.now()
        )
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        self.assertFalse(delivery.needs_look)
        self.assertEqual(len(published_objects(self.sandbox, "mastodon")), 1)

    def test_a_batch_with_whole_and_fractional_waits_is_recorded(self) -> None:
        """Platforms say "retry after 5" and "after 2.5": one batch holds both."""
        channels = [self.connect(platform) for platform in ("facebook", "mastodon", "zalo")]
        post = self.approved_post(channels)
        scheduling.schedule_post(post=post, by=self.approver)
        deliveries = list(Delivery.objects.filter(post=post).order_by("pk"))
        Delivery.objects.filter(post=post).update(status=Delivery.Status.SENDING, claimed_by="w")
        waits = [5, 2.5, None]
        recorded = results.record_results(
            results=[
                results.Result(
                    delivery_id=delivery.pk,
                    outcome=Outcome(OutcomeKind.RETRY_LATER, code="429", retry_after_s=wait),
                    started_at=timezone.now(),
                )
                for delivery, wait in zip(deliveries, waits, strict=True)
            ],
            worker="w",
        )
        self.assertEqual(len(recorded), 3)
        self.assertEqual(
            [
                delivery.history.get().retry_after_s
                for delivery in Delivery.objects.filter(post=post).order_by("pk")
            ],
            [5.0, 2.5, None],
        )
        self.assertEqual(
            set(Delivery.objects.filter(post=post).values_list("status", flat=True)),
            {Delivery.Status.RETRY},
        )

    def test_writers_in_two_processes_record_results_side_by_side(self) -> None:
        """Recording locks the deliveries only, not their channel or unit: two dispatchers
        recording results for one unit's channels neither wait for nor deadlock each other."""
        channels = [self.connect(platform) for platform in ("facebook", "mastodon")]
        post = self.approved_post(channels)
        scheduling.schedule_post(post=post, by=self.approver)
        first, second = Delivery.objects.filter(post=post).order_by("pk")
        Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SENDING, claimed_by="w1")
        Delivery.objects.filter(pk=second.pk).update(
            status=Delivery.Status.SENDING, claimed_by="w2"
        )

        def result(delivery: Delivery, kind: OutcomeKind) -> results.Result:
            return results.Result(
                delivery_id=delivery.pk,
                outcome=Outcome(kind, remote_id=f"r{delivery.pk}", retry_after_s=60),
                started_at=timezone.now(),
            )

        held, release = threading.Event(), threading.Event()

        def first_writer() -> None:
            try:
                with transaction.atomic():
                    # A retry: no audit event, so the audit chain's lock is not held either.
                    results.record_results(
                        results=[result(first, OutcomeKind.RETRY_LATER)], worker="w1"
                    )
                    held.set()
                    release.wait(timeout=10)
            finally:
                connection.close()

        thread = threading.Thread(target=first_writer)
        thread.start()
        try:
            self.assertTrue(held.wait(timeout=10))
            if connection.vendor == "postgresql":
                # Would wait on the shared unit row (and time out) if it were locked.
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '2s'")
                    results.record_results(
                        results=[result(second, OutcomeKind.PUBLISHED)], worker="w2"
                    )
            else:
                # SQLite has one writer at a time: the second waits for the first to commit.
                release.set()
                thread.join(timeout=10)
                results.record_results(results=[result(second, OutcomeKind.PUBLISHED)], worker="w2")
        finally:
            release.set()
            thread.join(timeout=10)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(first.status, Delivery.Status.RETRY)
        self.assertEqual(second.status, Delivery.Status.PUBLISHED)
