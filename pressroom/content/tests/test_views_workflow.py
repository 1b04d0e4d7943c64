"""The workflow buttons of the post page: submit, approve, send back, publish, schedule."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.urls import reverse
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.content import actions
from pressroom.content.models import Post
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class WorkflowViewTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")

    def draft(self, **fields: object) -> Post:
        return self.make_post(channels=[self.facebook, self.telegram], **fields)

    def refreshed(self, post: Post) -> Post:
        post.refresh_from_db()
        return post

    # Submit

    def test_author_sends_a_draft_for_review(self) -> None:
        post = self.draft()
        self.login(self.owner)
        response = self.client.post(reverse("post_submit", args=[post.pk]))
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)
        self.assertIn("The post is sent for review.", self.messages_of(response))

    def test_a_draft_without_channels_cannot_be_sent(self) -> None:
        post = self.make_post(channels=[])
        self.login(self.owner)
        response = self.client.post(reverse("post_submit", args=[post.pk]), follow=True)
        self.assertContains(response, "Choose at least one channel.")
        self.assertEqual(self.refreshed(post).status, Post.Status.DRAFT)

    def test_outsider_cannot_submit(self) -> None:
        post = self.draft()
        self.login(self.outsider)
        self.assertEqual(self.client.post(reverse("post_submit", args=[post.pk])).status_code, 404)
        self.assertEqual(self.refreshed(post).status, Post.Status.DRAFT)

    def test_workflow_buttons_take_only_post(self) -> None:
        post = self.draft()
        self.login(self.owner)
        for name in ("post_submit", "post_approve", "post_reject", "post_schedule"):
            self.assertEqual(self.client.get(reverse(name, args=[post.pk])).status_code, 405)

    # Approve

    def test_approver_approves_someone_elses_post(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.approver)
        response = self.client.post(reverse("post_approve", args=[post.pk]))
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        post = self.refreshed(post)
        self.assertEqual((post.status, post.approved_by), (Post.Status.APPROVED, self.approver))

    def test_editor_cannot_approve(self) -> None:
        mastodon = self.make_channel(self.commune, "mastodon")
        post = self.make_post(by=self.member, unit=self.commune, channels=[mastodon])
        actions.submit_post(post=post, by=self.member)
        self.login(self.member)
        page = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertNotContains(page, reverse("post_approve", args=[post.pk]))
        response = self.client.post(reverse("post_approve", args=[post.pk]), follow=True)
        self.assertContains(response, "Only an approver of Xã Hợp Thành can approve this post.")
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)

    def test_approver_cannot_approve_own_post(self) -> None:
        post = self.draft(by=self.approver)
        actions.submit_post(post=post, by=self.approver)
        self.login(self.approver)
        page = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertNotContains(page, reverse("post_approve", args=[post.pk]))
        response = self.client.post(reverse("post_approve", args=[post.pk]), follow=True)
        self.assertContains(response, "You cannot approve your own post; another approver must.")
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)

    def test_outsider_cannot_approve(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.outsider)
        self.assertEqual(self.client.post(reverse("post_approve", args=[post.pk])).status_code, 404)
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)

    # Send back

    def test_sending_back_needs_a_reason(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.approver)
        response = self.client.post(reverse("post_reject", args=[post.pk]), {"reason": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say why the post is sent back, so the author can fix it.")
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)

    def test_sending_back_returns_the_post_to_draft_with_the_reason(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.approver)
        response = self.client.post(
            reverse("post_reject", args=[post.pk]), {"reason": "Thiếu nguồn trích dẫn"}, follow=True
        )
        post = self.refreshed(post)
        self.assertEqual(
            (post.status, post.rejection_reason), (Post.Status.DRAFT, "Thiếu nguồn trích dẫn")
        )
        self.assertContains(response, "Thiếu nguồn trích dẫn")

    def test_editor_cannot_send_back(self) -> None:
        mastodon = self.make_channel(self.commune, "mastodon")
        post = self.make_post(by=self.member, unit=self.commune, channels=[mastodon])
        actions.submit_post(post=post, by=self.member)
        self.login(self.member)
        response = self.client.post(reverse("post_reject", args=[post.pk]), {"reason": "x"})
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)

    def test_outsider_cannot_send_back(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.outsider)
        response = self.client.post(reverse("post_reject", args=[post.pk]), {"reason": "x"})
        self.assertEqual(response.status_code, 404)

    # Withdraw

    def test_the_author_withdraws_a_post_from_review_to_change_it(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.owner)
        page = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertContains(page, reverse("post_withdraw", args=[post.pk]))
        response = self.client.post(reverse("post_withdraw", args=[post.pk]), follow=True)
        self.assertEqual(self.refreshed(post).status, Post.Status.DRAFT)
        self.assertContains(response, "The post is a draft again")
        self.assertContains(response, "Withdrew it from review to change it")
        self.assertTrue(AuditEvent.objects.filter(action="post.withdraw").exists())

    def test_an_approved_post_withdrawn_loses_its_approval(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        self.login(self.owner)
        self.client.post(reverse("post_withdraw", args=[post.pk]))
        post = self.refreshed(post)
        self.assertEqual(post.status, Post.Status.DRAFT)
        self.assertIsNone(post.approved_by)
        self.assertEqual(post.approved_fingerprint, "")

    def test_only_the_author_withdraws_and_only_before_scheduling(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        self.login(self.approver)
        page = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertNotContains(page, reverse("post_withdraw", args=[post.pk]))
        response = self.client.post(reverse("post_withdraw", args=[post.pk]), follow=True)
        self.assertContains(response, "Only the author can withdraw a post from review.")
        self.assertEqual(self.refreshed(post).status, Post.Status.IN_REVIEW)
        draft = self.draft()
        self.login(self.owner)
        response = self.client.post(reverse("post_withdraw", args=[draft.pk]), follow=True)
        self.assertContains(response, "Only a post in review or approved")
        self.login(self.outsider)
        self.assertEqual(
            self.client.post(reverse("post_withdraw", args=[post.pk])).status_code, 404
        )

    # Publish and schedule

    def test_publish_now_creates_one_delivery_per_channel(self) -> None:
        post = self.make_approved_post(channels=[self.facebook, self.telegram])
        self.login(self.approver)
        response = self.client.post(
            reverse("post_schedule", args=[post.pk]), {"when": "now", "confirmed": "yes"}
        )
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(self.refreshed(post).status, Post.Status.SCHEDULED)
        self.assertEqual(Delivery.objects.filter(post=post).count(), 2)
        self.assertIn("The post is going out now.", self.messages_of(response))

    def test_publish_now_asks_once_more_and_sends_nothing_until_confirmed(self) -> None:
        post = self.make_approved_post(channels=[self.facebook, self.telegram])
        self.login(self.approver)
        response = self.client.post(reverse("post_schedule", args=[post.pk]), {"when": "now"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Publish now?")
        self.assertContains(response, "It goes out at once on 2 channels")
        self.assertContains(response, self.facebook.name)
        self.assertContains(response, 'name="confirmed" value="yes"')
        self.assertContains(response, f'href="{reverse("post_detail", args=[post.pk])}"')
        self.assertEqual(self.refreshed(post).status, Post.Status.APPROVED)
        self.assertFalse(Delivery.objects.exists())

    def test_schedule_is_read_as_vietnam_time(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        self.login(self.approver)
        at = timezone.localtime(timezone.now() + timedelta(days=3))
        typed = at.strftime("%Y-%m-%dT") + "08:30"
        response = self.client.post(reverse("post_schedule", args=[post.pk]), {"at": typed})
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        post = self.refreshed(post)
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        assert post.scheduled_at is not None
        # 08:30 in Hà Nội is 01:30 UTC.
        self.assertEqual(post.scheduled_at.astimezone(UTC).strftime("%H:%M"), "01:30")
        self.assertEqual(Delivery.objects.get(post=post).due_at, post.scheduled_at)

    def test_scheduling_in_the_past_is_refused_and_the_time_kept(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        self.login(self.approver)
        typed = "2020-01-15T09:00"
        response = self.client.post(reverse("post_schedule", args=[post.pk]), {"at": typed})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That time is in the past.")
        self.assertContains(response, f'value="{typed}"')
        self.assertEqual(self.refreshed(post).status, Post.Status.APPROVED)
        self.assertFalse(Delivery.objects.exists())

    def test_a_schedule_needs_a_time(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        self.login(self.approver)
        response = self.client.post(reverse("post_schedule", args=[post.pk]), {"at": ""})
        self.assertContains(response, "Choose the date and time to publish.")
        self.assertEqual(self.refreshed(post).status, Post.Status.APPROVED)

    def test_editor_cannot_publish(self) -> None:
        mastodon = self.make_channel(self.commune, "mastodon")
        post = self.make_approved_post(by=self.member, unit=self.commune, channels=[mastodon])
        self.login(self.member)
        response = self.client.post(
            reverse("post_schedule", args=[post.pk]), {"when": "now"}, follow=True
        )
        self.assertContains(response, "Only an approver of Xã Hợp Thành can publish this post.")
        self.assertEqual(self.refreshed(post).status, Post.Status.APPROVED)

    def test_a_post_not_yet_approved_cannot_be_published(self) -> None:
        post = self.draft()
        self.login(self.approver)
        response = self.client.post(
            reverse("post_schedule", args=[post.pk]), {"when": "now"}, follow=True
        )
        self.assertContains(response, "Only an approved post can be scheduled.")
        self.assertFalse(Delivery.objects.exists())

    def test_outsider_cannot_publish(self) -> None:
        post = self.make_approved_post(channels=[self.facebook])
        self.login(self.outsider)
        response = self.client.post(reverse("post_schedule", args=[post.pk]), {"when": "now"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Delivery.objects.exists())
