"""Preparing a correction (/corrections/<id>/correction/): a draft post through content's own
action, published like any post; its reach on the claim's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.content.models import Post
from pressroom.corrections.models import Claim, Correction
from pressroom.corrections.tests.base import STATEMENT, CorrectionsTestCase
from pressroom.inbox.models import Conversation
from pressroom.publishing.models import Delivery


class CorrectionFormTests(CorrectionsTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": "Thông tin chính thức về căn cước hết hạn",
            "body": "Không có quy định phạt 500 nghìn đồng khi căn cước hết hạn.",
            "channels": [self.district_channel.pk],
            "suggested_reply": "Thông tin này không đúng. Xem thông báo chính thức:",
        }
        values.update(overrides)
        return values

    def test_the_form_is_prefilled_with_the_facts(self) -> None:
        claim = self.make_claim(self.district, self.owner, evidence="Luật Căn cước 2023, Điều 24")
        self.login(self.owner)
        response = self.client.get(reverse("correction_create", args=[claim.pk]))
        self.assertContains(response, "This is not true.")
        self.assertContains(response, "Luật Căn cước 2023, Điều 24")
        self.assertContains(response, "Correction: Căn cước công dân")

    def test_the_correction_is_a_draft_post_of_the_unit(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.owner)
        response = self.client.post(reverse("correction_create", args=[claim.pk]), self.data())
        correction = Correction.objects.get()
        post = correction.post
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(post.status, Post.Status.DRAFT)
        self.assertEqual((post.unit, post.author), (self.district, self.owner))
        self.assertEqual(list(post.channels.all()), [self.district_channel])
        self.assertEqual(post.variants.get().text, post.body)
        claim.refresh_from_db()
        self.assertEqual(claim.status, Claim.Status.CORRECTED)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__in=["post.create", "correction.create"])
                .order_by("id")
                .values_list("action", flat=True)
            ),
            ["post.create", "correction.create"],
        )

    def test_an_editor_below_publishes_it_on_the_communes_channels(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.member)
        self.client.post(
            reverse("correction_create", args=[claim.pk]),
            self.data(unit=self.commune.pk, channels=[self.commune_channel.pk]),
        )
        self.assertEqual(Correction.objects.get().post.unit, self.commune)

    def test_a_failed_validation_keeps_what_was_typed(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.owner)
        response = self.client.post(
            reverse("correction_create", args=[claim.pk]), self.data(suggested_reply="")
        )
        self.assertContains(response, "This field is required.")
        self.assertContains(response, "Không có quy định phạt 500 nghìn đồng")
        self.assertFalse(Post.objects.exists())

    def test_channels_of_another_unit_are_refused(self) -> None:
        claim = self.make_claim(self.province, self.owner)
        self.login(self.owner)
        response = self.client.post(
            reverse("correction_create", args=[claim.pk]),
            self.data(channels=[self.sibling_channel.pk]),
        )
        self.assertContains(response, "One of the chosen channels is not available to you.")
        self.assertFalse(Post.objects.exists())

    def test_a_viewer_may_not_prepare_one(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        viewer = self.make_user("viewer", self.district, "viewer")
        self.login(viewer)
        response = self.client.post(reverse("correction_create", args=[claim.pk]), self.data())
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))
        self.assertFalse(Post.objects.exists())


class ReachTests(CorrectionsTestCase):
    def test_the_claims_page_shows_where_it_is_published_and_its_reach(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        post = self.make_approved_post(channels=[self.district_channel, self.commune_channel])
        Correction.objects.create(
            claim=claim, post=post, suggested_reply="Không đúng.", created_by=self.owner
        )
        now = timezone.now()
        published = Delivery.objects.create(
            post=post,
            channel=self.district_channel,
            status=Delivery.Status.PUBLISHED,
            due_at=now,
            published_at=now,
            remote_id="123_456",
            permalink="https://www.facebook.com/123_456",
        )
        Delivery.objects.create(
            post=post, channel=self.commune_channel, status=Delivery.Status.FAILED, due_at=now
        )
        conversation = Conversation.objects.create(
            channel=self.district_channel,
            kind=Conversation.Kind.COMMENTS,
            key="post:123_456",
            delivery=published,
        )
        self.make_message(self.district_channel, "Cảm ơn đã thông tin", conversation=conversation)
        self.make_message(self.district_channel, "Rõ rồi", conversation=conversation)
        self.login(self.member)
        response = self.client.get(reverse("claim_detail", args=[claim.pk]))
        self.assertContains(response, 'href="https://www.facebook.com/123_456"')
        self.assertContains(response, "Published on 1 channel")
        self.assertContains(response, "2 comments under it")
        self.assertContains(response, "0 threads answered with it")
        self.assertContains(response, STATEMENT)
