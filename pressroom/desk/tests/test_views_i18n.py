"""Pages in Vietnamese (the default) and in English."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pressroom.content import actions
from pressroom.testing import ViewTestCase


class TranslationTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.post = self.make_post(channels=[self.facebook])
        actions.submit_post(post=self.post, by=self.owner)

    def test_vietnamese_is_the_default(self) -> None:
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        self.login(self.owner)
        response = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Chờ duyệt")
        self.assertContains(response, "Bài viết")
        self.assertContains(response, "Kênh")
        self.assertNotContains(response, "In review")

    def test_vietnamese_pages(self) -> None:
        self.speak("vi")
        self.login(self.approver)
        response = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(response, "Phê duyệt")
        dashboard = self.client.get(reverse("dashboard"))
        self.assertContains(dashboard, "Chờ bạn phê duyệt")

    def test_english_pages(self) -> None:
        self.login(self.approver)
        response = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "In review")
        self.assertContains(response, "Approve")
        self.assertNotContains(response, "Chờ duyệt")

    def test_action_messages_are_translated(self) -> None:
        self.speak("vi")
        post = self.make_post(by=self.approver, channels=[self.facebook])
        actions.submit_post(post=post, by=self.approver)
        self.login(self.approver)
        response = self.client.post(reverse("post_approve", args=[post.pk]), follow=True)
        self.assertContains(response, "Bạn không thể phê duyệt bài viết của chính mình")
