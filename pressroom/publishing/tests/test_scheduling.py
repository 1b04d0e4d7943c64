"""Scheduling a post again sends only what did not go out."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import EXTERNAL_IDS, PublishingTestCase, run_dispatcher_once


class RescheduleTests(PublishingTestCase):
    def on_platform(self, platform: str) -> int:
        return len(
            self.sandbox.ledger(platform=platform, account_id=EXTERNAL_IDS[platform], top_level=1)
        )

    def back_to_approved(self, post: Post) -> None:
        # What an edit of the status in the admin did before it became read-only.
        Post.objects.filter(pk=post.pk).update(status=Post.Status.APPROVED)

    def test_a_partly_published_post_scheduled_again_sends_only_what_did_not_go_out(self) -> None:
        telegram, facebook = self.connect("telegram"), self.connect("facebook")
        post = self.approved_post([telegram, facebook])
        self.sandbox.add_fault("facebook", kind="reject", message="Invalid parameter", count=1)
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.PARTLY_FAILED)
        published = Delivery.objects.get(channel=telegram)
        self.assertEqual(published.status, Delivery.Status.PUBLISHED)
        self.assertEqual(Delivery.objects.get(channel=facebook).status, Delivery.Status.FAILED)

        self.back_to_approved(post)
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()

        self.assertEqual(self.on_platform("telegram"), 1)
        self.assertEqual(self.on_platform("facebook"), 1)
        kept = Delivery.objects.get(channel=telegram)
        self.assertEqual(
            (kept.status, kept.remote_id, kept.published_at, kept.attempts),
            (Delivery.Status.PUBLISHED, published.remote_id, published.published_at, 1),
        )
        again = Delivery.objects.get(channel=facebook)
        # Started afresh: one attempt, the earlier refusal forgotten.
        self.assertEqual((again.status, again.attempts, again.error_code), ("published", 1, ""))
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.PUBLISHED)

    def test_a_send_whose_outcome_is_unknown_is_not_started_again(self) -> None:
        facebook, mastodon = self.connect("facebook"), self.connect("mastodon")
        post = self.approved_post([facebook, mastodon])
        scheduling.schedule_post(post=post, by=self.approver)
        later = timezone.now() + timedelta(hours=1)
        Delivery.objects.filter(channel=facebook).update(
            status=Delivery.Status.UNKNOWN, needs_look=True, attempts=1, due_at=later
        )
        Delivery.objects.filter(channel=mastodon).update(
            status=Delivery.Status.SENDING, claimed_by="another", attempts=1
        )
        self.back_to_approved(post)
        scheduling.schedule_post(post=post, by=self.approver)
        self.assertEqual(
            set(Delivery.objects.values_list("status", "needs_look", "attempts", "claimed_by")),
            {
                (Delivery.Status.UNKNOWN, True, 1, ""),
                (Delivery.Status.SENDING, False, 1, "another"),
            },
        )
        self.assertEqual(Delivery.objects.get(channel=facebook).due_at, later)

    def test_a_post_published_everywhere_scheduled_again_stays_published(self) -> None:
        telegram = self.connect("telegram")
        post = self.approved_post([telegram])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.back_to_approved(post)
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(self.on_platform("telegram"), 1)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.PUBLISHED)

    def test_a_post_changed_after_its_approval_is_not_scheduled(self) -> None:
        telegram = self.connect("telegram")
        post = self.approved_post([telegram])
        # Changed behind the workflow's back (which sends a changed post back to review).
        post.variants.update(text="Một nội dung khác, chưa ai duyệt.")
        with self.assertRaisesMessage(ActionError, "changed after it was approved"):
            scheduling.schedule_post(post=post, by=self.approver)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.APPROVED)
        self.assertFalse(Delivery.objects.exists())
        run_dispatcher_once()
        self.assertEqual(self.on_platform("telegram"), 0)

    def test_a_schedule_years_ahead_is_refused_by_the_action_itself(self) -> None:
        from django.utils import translation

        telegram = self.connect("telegram")
        post = self.approved_post([telegram])
        for far in (timezone.now() + timedelta(days=6 * 366), timezone.now().replace(year=9999)):
            with (
                translation.override("en"),
                self.assertRaisesMessage(ActionError, "at most 5 years ahead"),
            ):
                scheduling.schedule_post(post=post, by=self.approver, at=far)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.APPROVED)
        self.assertFalse(Delivery.objects.exists())
