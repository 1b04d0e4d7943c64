"""The dashboard: /."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from pressroom.content import actions
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class DashboardTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")

    def test_empty_states(self) -> None:
        self.login(self.approver)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "Nothing is waiting for your approval.")
        self.assertContains(response, "You have no drafts.")
        self.assertContains(response, "Nothing is scheduled.")
        self.assertContains(response, "No delivery has a problem.")

    def test_what_waits_for_the_user(self) -> None:
        waiting = self.make_post(title="Chờ phê duyệt", channels=[self.facebook])
        actions.submit_post(post=waiting, by=self.owner)
        own = self.make_post(by=self.approver, title="Bài của tôi", channels=[self.facebook])
        actions.submit_post(post=own, by=self.approver)
        self.make_post(by=self.approver, title="Nháp của tôi")
        later = self.make_approved_post(title="Sắp đăng", channels=[self.facebook])
        scheduling.schedule_post(
            post=later, by=self.approver, at=timezone.now() + timedelta(days=2)
        )
        broken = self.make_approved_post(title="Đăng lỗi", channels=[self.facebook])
        scheduling.schedule_post(post=broken, by=self.approver)
        Delivery.objects.filter(post=broken).update(status=Delivery.Status.PAUSED)

        self.login(self.approver)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "Chờ phê duyệt")
        self.assertNotContains(response, "Bài của tôi")  # not their own post to approve
        self.assertContains(response, "Nháp của tôi")
        self.assertContains(response, "Sắp đăng")
        self.assertContains(response, "Đăng lỗi")
        self.assertContains(response, "The channel needs reconnecting: ask a unit administrator.")

    def test_outsider_sees_none_of_ours(self) -> None:
        waiting = self.make_post(title="Chờ phê duyệt", channels=[self.facebook])
        actions.submit_post(post=waiting, by=self.owner)
        self.login(self.outsider)
        response = self.client.get(reverse("dashboard"))
        self.assertNotContains(response, "Chờ phê duyệt")
        self.assertContains(response, "Nothing is waiting for your approval.")

    def test_header_shows_the_user_their_units_and_the_menu(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "member")
        self.assertContains(response, "Xã Hợp Thành")
        for name in ("post_list", "calendar", "channel_list", "theme_list"):
            self.assertContains(response, f'href="{reverse(name)}"')
        self.assertContains(response, 'aria-current="page"')

    def test_sign_in_is_required(self) -> None:
        response = self.client.get(reverse("dashboard"))
        self.assertRedirects(response, reverse("login") + "?next=/")
