from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.utils import timezone, translation

from pressroom.audit.models import AuditEvent
from pressroom.content import actions
from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import BaseTestCase, make_image


class WorkflowTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")

    def draft(self, **overrides: object) -> Post:
        fields: dict[str, object] = {
            "by": self.owner,
            "unit": self.district,
            "title": "Thông báo lịch tiếp công dân",
            "body": "Lịch tiếp công dân tháng 12 của UBND huyện.",
            "channels": [self.facebook, self.telegram],
        }
        fields.update(overrides)
        return actions.save_post(**fields)  # type: ignore[arg-type]

    def test_the_whole_way_to_scheduled(self) -> None:
        post = self.draft()
        self.assertEqual({v.platform for v in post.variants.all()}, {"facebook", "telegram"})
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.approver)
        scheduling.schedule_post(
            post=post, by=self.approver, at=timezone.now() + timedelta(hours=1)
        )
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        self.assertEqual(Delivery.objects.filter(post=post, status="pending").count(), 2)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(
                    object_id=str(post.pk), object_type="content.post"
                ).values_list("action", flat=True)
            ),
            ["post.create", "post.submit", "post.approve", "post.schedule"],
        )

    def test_nfd_input_is_stored_nfc(self) -> None:
        post = self.draft(
            title=unicodedata.normalize("NFD", "Cảnh báo lũ"),
            body=unicodedata.normalize("NFD", "Mưa lớn"),
        )
        self.assertEqual(post.title, "Cảnh báo lũ")
        self.assertEqual(post.variants.get(platform="telegram").text, "Mưa lớn")

    def test_approver_cannot_approve_own_post(self) -> None:
        post = self.draft(by=self.approver)
        actions.submit_post(post=post, by=self.approver)
        with self.assertRaisesMessage(ActionError, "own post"):
            actions.approve_post(post=post, by=self.approver)

    def test_editor_cannot_approve(self) -> None:
        post = self.draft(by=self.member, unit=self.commune, channels=[])
        post.channels.set([self.make_channel(self.commune, "mastodon")])
        actions.submit_post(post=post, by=self.member)
        with self.assertRaises(ActionError):
            actions.approve_post(post=post, by=self.member)

    def test_rejecting_needs_a_reason_and_returns_to_draft(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        with self.assertRaisesMessage(ActionError, "why"):
            actions.reject_post(post=post, by=self.approver, reason="  ")
        actions.reject_post(post=post, by=self.approver, reason="Thiếu nguồn")
        post.refresh_from_db()
        self.assertEqual((post.status, post.rejection_reason), (Post.Status.DRAFT, "Thiếu nguồn"))

    def test_text_too_long_for_telegram_blocks_submission_and_keeps_draft(self) -> None:
        post = self.draft(body="a" * 4097)
        with self.assertRaisesMessage(ActionError, "4096"):
            actions.submit_post(post=post, by=self.owner)
        post.refresh_from_db()
        self.assertEqual((post.status, len(post.body)), (Post.Status.DRAFT, 4097))

    def test_caption_limit_applies_with_images(self) -> None:
        images = [actions.NewImage("a.png", make_image(), "Ảnh hội nghị")]
        post = self.draft(body="b" * 1100, images=images)
        with self.assertRaisesMessage(ActionError, "1024"):
            actions.submit_post(post=post, by=self.owner)

    def test_no_channel_blocks_submission(self) -> None:
        post = self.draft(channels=[])
        with self.assertRaisesMessage(ActionError, "at least one channel"):
            actions.submit_post(post=post, by=self.owner)

    def test_bad_image_is_refused_and_nothing_is_saved(self) -> None:
        images = [actions.NewImage("virus.png", b"not an image", "x")]
        with self.assertRaisesMessage(ActionError, "virus.png"):
            self.draft(images=images)
        self.assertFalse(Post.objects.exists())

    def test_image_needs_description(self) -> None:
        post = self.draft(images=[actions.NewImage("a.png", make_image(), "")])
        with self.assertRaisesMessage(ActionError, "description"):
            actions.submit_post(post=post, by=self.owner)

    def test_past_schedule_is_refused(self) -> None:
        post = self.draft()
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.approver)
        with self.assertRaisesMessage(ActionError, "past"):
            scheduling.schedule_post(
                post=post, by=self.approver, at=timezone.now() - timedelta(hours=1)
            )
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.APPROVED)

    def test_outsider_cannot_compose_here(self) -> None:
        with self.assertRaises(ActionError):
            self.draft(by=self.outsider)

    def test_mastodon_limit_is_per_instance(self) -> None:
        small = self.make_channel(self.district, "mastodon", max_characters=100)
        post = self.draft(body="c" * 150, channels=[small])
        with self.assertRaisesMessage(ActionError, "100"):
            actions.submit_post(post=post, by=self.owner)
