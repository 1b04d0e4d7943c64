"""A cancelled alert is finished: its pages say so and by whom, and nothing waits for anyone."""

from __future__ import annotations

from django.urls import reverse

from pressroom.content.models import Post
from pressroom.emergency.tests.helpers import TITLE, AlertSetup
from pressroom.testing import ViewTestCase


class CancelledAlertPageTests(AlertSetup, ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_channels()
        self.alert = self.compose()
        self.login(self.approver)
        self.response = self.client.post(
            reverse("emergency_cancel", args=[self.alert.pk]), {"reason": "Nhầm khu vực"}
        )

    def test_the_alert_page_says_it_was_cancelled_and_by_whom(self) -> None:
        self.assertRedirects(self.response, reverse("emergency_detail", args=[self.alert.pk]))
        response = self.client.get(reverse("emergency_detail", args=[self.alert.pk]))
        self.assertContains(response, "This alert was cancelled by approver on")
        self.assertContains(response, "nothing was sent.")
        self.assertContains(response, "Nhầm khu vực")
        self.assertNotContains(response, reverse("emergency_confirm", args=[self.alert.pk]))
        self.assertNotContains(response, reverse("emergency_cancel", args=[self.alert.pk]))

    def test_the_post_is_cancelled_not_a_draft_sent_back(self) -> None:
        post = Post.objects.get(pk=self.alert.post_id)
        self.assertEqual(post.status, Post.Status.CANCELLED)
        self.login(self.owner)
        response = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertContains(response, "Cancelled before it was confirmed")
        self.assertContains(response, "This alert was cancelled by approver on")
        self.assertNotContains(response, "Sent back:")
        self.assertNotContains(response, reverse("post_edit", args=[post.pk]))
        self.assertNotContains(response, reverse("post_submit", args=[post.pk]))

    def test_it_leaves_the_authors_dashboard(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("dashboard"))
        self.assertNotIn(Post.objects.get(pk=self.alert.post_id), response.context["drafts"])
        self.assertNotContains(response, TITLE)

    def test_the_posts_list_files_it_under_cancelled(self) -> None:
        self.login(self.owner)
        cancelled = self.client.get(reverse("post_list"), {"status": "cancelled"})
        self.assertContains(cancelled, TITLE)
        self.assertContains(cancelled, "Cancelled")
        drafts = self.client.get(reverse("post_list"), {"status": "draft"})
        self.assertNotContains(drafts, TITLE)
