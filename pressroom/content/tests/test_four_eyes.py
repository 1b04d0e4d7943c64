"""Four eyes: whoever changed the version under review cannot approve it, and an approval
holds for that exact version only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content import actions
from pressroom.content.fingerprint import approval_holds
from pressroom.content.models import Media, Post, Theme, Variant
from pressroom.core.errors import ActionError
from pressroom.orgs.models import Role
from pressroom.testing import BaseTestCase, TreeMixin, ViewTestCase, make_image

TITLE = "Thông báo lịch tiếp công dân"
BODY = "Lịch tiếp công dân tháng 12 của UBND huyện."


class FourEyesTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")
        self.second_approver = self.make_user("second", self.district, Role.APPROVER)

    def draft(self, by: Any = None, **fields: Any) -> Post:
        values: dict[str, Any] = {
            "by": by or self.member,
            "unit": self.district if by is not None else self.commune,
            "title": TITLE,
            "body": BODY,
            "channels": [self.facebook, self.telegram] if by is not None else [],
        }
        values.update(fields)
        return actions.save_post(**values)

    def edit(self, post: Post, by: Any, **fields: Any) -> Post:
        values: dict[str, Any] = {
            "by": by,
            "post": post,
            "unit": post.unit,
            "title": post.title,
            "body": post.body,
            "channels": list(post.channels.all()),
        }
        values.update(fields)
        return actions.save_post(**values)

    def test_an_approver_who_rewrote_the_draft_cannot_approve_it(self) -> None:
        post = self.draft(by=self.owner)
        self.edit(post, self.approver, body="Nội dung do người duyệt viết lại.")
        actions.submit_post(post=post, by=self.approver)
        with self.assertRaisesMessage(ActionError, "You changed this version"):
            actions.approve_post(post=post, by=self.approver)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.IN_REVIEW)
        self.assertFalse(approval_holds(post))
        # Someone who did not touch it may.
        actions.approve_post(post=post, by=self.second_approver)

    def test_an_edit_in_an_earlier_round_still_counts_until_an_approval(self) -> None:
        post = self.draft(by=self.owner)
        actions.submit_post(post=post, by=self.owner)
        actions.reject_post(post=post, by=self.approver, reason="Thiếu nguồn")
        self.edit(post, self.approver, body="Sửa bởi người duyệt.")
        self.edit(post, self.owner, body="Sửa lại bởi tác giả.")
        actions.submit_post(post=post, by=self.owner)
        with self.assertRaisesMessage(ActionError, "You changed this version"):
            actions.approve_post(post=post, by=self.approver)

    def test_after_an_approval_a_new_version_is_judged_by_its_own_editors(self) -> None:
        post = self.draft(by=self.owner)
        self.edit(post, self.approver, body="Sửa bởi người duyệt.")
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.second_approver)
        actions.reject_post(post=post, by=self.second_approver, reason="Đổi giờ")
        self.edit(post, self.owner, body="Giờ mới.")
        actions.submit_post(post=post, by=self.owner)
        # The approver's earlier change was approved by someone else; this version is not his.
        post = actions.approve_post(post=post, by=self.approver)
        self.assertTrue(approval_holds(post))

    def test_the_approval_holds_for_the_version_approved(self) -> None:
        post = self.draft(
            by=self.owner, images=[actions.NewImage("a.png", make_image(), "Ảnh hội nghị")]
        )
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.approver)
        post.refresh_from_db()
        self.assertTrue(approval_holds(post))

        changes: list[Callable[[], object]] = [
            lambda: Post.objects.filter(pk=post.pk).update(title="Khác"),
            lambda: Post.objects.filter(pk=post.pk).update(body="Khác"),
            lambda: Post.objects.filter(pk=post.pk).update(link="https://example.gov.vn/"),
            lambda: Post.objects.filter(pk=post.pk).update(
                theme=Theme.objects.create(unit=self.district, name="Chủ đề")
            ),
            lambda: Variant.objects.filter(post=post, platform="telegram").update(text="Khác"),
            lambda: Variant.objects.filter(post=post, platform="facebook").update(title="Khác"),
            lambda: Media.objects.filter(post=post).update(description="Khác"),
            lambda: Media.objects.filter(post=post).delete(),
            lambda: post.channels.remove(self.telegram),
            lambda: post.channels.add(self.make_channel(self.district, "mastodon")),
        ]
        for number, change in enumerate(changes):
            with self.subTest(change=number):
                with transaction.atomic():
                    change()
                    post.refresh_from_db()
                    self.assertFalse(approval_holds(post))
                    transaction.set_rollback(True)
                post.refresh_from_db()
                self.assertTrue(approval_holds(post))

    def test_sending_back_ends_the_approval(self) -> None:
        post = self.draft(by=self.owner)
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.approver)
        actions.reject_post(post=post, by=self.approver, reason="Đổi giờ")
        post.refresh_from_db()
        self.assertFalse(approval_holds(post))

    def test_an_approved_post_cannot_be_changed(self) -> None:
        post = self.draft(by=self.owner)
        actions.submit_post(post=post, by=self.owner)
        actions.approve_post(post=post, by=self.approver)
        with self.assertRaisesMessage(ActionError, "Only a draft"):
            self.edit(post, self.owner, body="Khác")
        post.refresh_from_db()
        self.assertTrue(approval_holds(post))


class FourEyesPageTests(ViewTestCase):
    def test_no_approve_button_for_who_changed_the_version(self) -> None:
        channel = self.make_channel(self.district, "facebook")
        post = self.make_post(channels=[channel])
        actions.save_post(
            by=self.approver,
            post=post,
            unit=self.district,
            title=post.title,
            body="Viết lại.",
            channels=[channel],
        )
        actions.submit_post(post=post, by=self.owner)
        self.login(self.approver)
        response = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertNotContains(response, reverse("post_approve", args=[post.pk]))
        response = self.client.post(reverse("post_approve", args=[post.pk]), follow=True)
        self.assertContains(response, "You changed this version of the post")
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.IN_REVIEW)
        # Nor is it waiting for him on his dashboard; it waits for the others.
        self.assertNotIn(post, self.client.get(reverse("dashboard")).context["to_approve"])
        self.login(self.owner)
        self.assertNotIn(post, self.client.get(reverse("dashboard")).context["to_approve"])
        second = self.make_user("second", self.district, Role.APPROVER)
        self.login(second)
        self.assertIn(post, self.client.get(reverse("dashboard")).context["to_approve"])


PEOPLE = ("owner", "approver", "second")
STEPS = st.lists(
    st.tuples(st.sampled_from(("edit", "submit", "approve", "reject")), st.sampled_from(PEOPLE)),
    max_size=12,
)


class FourEyesInAnyOrderTests(TreeMixin, HypothesisTestCase):
    """Whatever the order of the actions and who does them, no one approves their own version."""

    second: Any
    facebook: Channel

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second = cls.make_user("second", cls.district, Role.APPROVER)
        cls.facebook = cls.make_channel(cls.district, "facebook")

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(author=st.sampled_from(PEOPLE), steps=STEPS)
    def test_the_history_never_shows_an_approval_of_ones_own_version(
        self, author: str, steps: list[tuple[str, str]]
    ) -> None:
        people = {name: getattr(self, name) for name in PEOPLE}
        post = actions.save_post(
            by=people[author], unit=self.district, title=TITLE, body=BODY, channels=[self.facebook]
        )
        for number, (step, name) in enumerate(steps):
            by = people[name]
            try:
                match step:
                    case "edit":
                        actions.save_post(
                            by=by,
                            post=post,
                            unit=self.district,
                            title=TITLE,
                            body=f"{BODY} ({number})",
                            channels=[self.facebook],
                        )
                    case "submit":
                        actions.submit_post(post=post, by=by)
                    case "approve":
                        actions.approve_post(post=post, by=by)
                    case "reject":
                        actions.reject_post(post=post, by=by, reason="Sửa lại")
            except ActionError:
                pass
            post.refresh_from_db()
            self.assertEqual(post.status == Post.Status.APPROVED, approval_holds(post))

        editors: set[str] = set()
        events = AuditEvent.objects.filter(
            object_type="content.post", object_id=str(post.pk)
        ).order_by("id")
        for event in events:
            if event.action in ("post.create", "post.edit"):
                editors.add(event.actor_label)
            elif event.action == "post.approve":
                self.assertNotIn(event.actor_label, editors)
                self.assertNotEqual(event.actor_label, post.author.username)
                editors = set()
