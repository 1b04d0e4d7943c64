"""The dashboard per role: a viewer reads what went out, the figures and the alerts, and is
asked to write or approve nothing; an editor writes; an approver and an administrator also
approve. The reader's page is a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pressroom.analytics import store
from pressroom.analytics.models import CollectCursor
from pressroom.analytics.tests.test_dashboard_views import published
from pressroom.channels.models import Channel
from pressroom.content import actions
from pressroom.emergency.models import EmergencyAlert, Hazard
from pressroom.orgs.models import Role, Unit
from pressroom.testing import ViewTestCase

# Wednesday 2 December 2026, 09:00 in Hà Nội: last month is November.
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
READING = "Published in the last seven days"
APPROVAL = "Waiting for your approval"


class RoleDashboardTests(ViewTestCase):
    viewer: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.viewer = cls.make_user("viewer", cls.district, Role.VIEWER)

    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.commune, "telegram")
        self.elsewhere = self.make_channel(self.sibling, "facebook")
        published(self.facebook, "Tin tuần này", NOW - timedelta(days=2), reach=300)
        published(self.telegram, "Tin xã tuần này", NOW - timedelta(days=1), reactions=4)
        published(self.facebook, "Tin tuần trước nữa", NOW - timedelta(days=10))
        published(self.elsewhere, "Tin huyện khác", NOW - timedelta(days=1))
        store.set_days(
            self.facebook,
            {
                date(2026, 10, 20): {"reach": 1000, "followers": 900},
                date(2026, 11, 20): {"posts": 4, "reach": 2500, "reactions": 40},
            },
        )
        CollectCursor.objects.create(
            channel=self.telegram,
            unavailable={"reach": "Telegram does not let bots read how many times"},
        )
        waiting = self.make_post(title="Bài chờ duyệt", channels=[self.facebook])
        actions.submit_post(post=waiting, by=self.owner)
        self.alert("Cảnh báo lũ quét", self.facebook, NOW - timedelta(days=3))
        self.alert("Cảnh báo ở huyện khác", self.elsewhere, NOW - timedelta(days=3))
        self.alert("Cảnh báo cũ", self.facebook, NOW - timedelta(days=45))

    def alert(self, title: str, channel: Channel, at: datetime) -> EmergencyAlert:
        post = published(channel, title, at)
        return EmergencyAlert.objects.create(
            unit=channel.unit,
            hazard=Hazard.FLOOD,
            post=post,
            status=EmergencyAlert.Status.SENT,
            composed_by=self.owner,
            confirmed_by=self.approver,
            confirmed_at=at,
        )

    def page(self, user: Any) -> str:
        self.login(user)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assertComposes(self, page: str, *, yes: bool) -> None:
        for prompt in (f'href="{reverse("post_create")}"', "New post", "Your drafts"):
            (self.assertIn if yes else self.assertNotIn)(prompt, page)

    def test_a_viewer_reads_what_went_out_the_figures_and_the_alerts(self) -> None:
        page = self.page(self.viewer)
        self.assertIn(READING, page)
        self.assertIn("Tin tuần này", page)
        self.assertIn("Tin xã tuần này", page)  # the commune is below the viewer's district
        self.assertNotIn("Tin tuần trước nữa", page)
        self.assertNotIn("Tin huyện khác", page)
        self.assertIn("Figures of month 11/2026", page)
        query = "period=month&amp;year=2026&amp;month=11"
        self.assertIn(f"{reverse('analytics_unit', args=[self.district.pk])}?{query}", page)
        self.assertIn(f"{reverse('analytics_report', args=[self.district.pk])}?{query}", page)
        self.assertIn("2,500", page)  # November's reach
        self.assertIn("Cảnh báo lũ quét", page)
        self.assertIn(reverse("emergency_list"), page)
        self.assertNotIn("Cảnh báo ở huyện khác", page)
        self.assertNotIn("Cảnh báo cũ", page)

    def test_a_viewer_is_asked_to_write_or_approve_nothing(self) -> None:
        page = self.page(self.viewer)
        self.assertComposes(page, yes=False)
        self.assertNotIn("Write a post", page)
        self.assertNotIn(APPROVAL, page)
        self.assertNotIn("Bài chờ duyệt", page)
        self.assertNotIn(reverse("emergency_compose"), page)

    def test_a_viewer_of_another_unit_reads_only_theirs(self) -> None:
        reader = self.make_user("reader", self.sibling, Role.VIEWER)
        page = self.page(reader)
        self.assertIn("Tin huyện khác", page)
        self.assertIn("Cảnh báo ở huyện khác", page)
        self.assertNotIn("Tin tuần này", page)
        self.assertNotIn("Cảnh báo lũ quét", page)

    def test_an_editor_writes_and_approves_nothing(self) -> None:
        page = self.page(self.member)
        self.assertComposes(page, yes=True)
        self.assertNotIn(APPROVAL, page)
        self.assertNotIn(READING, page)

    def test_an_approver_and_an_administrator_write_and_approve(self) -> None:
        for user in (self.approver, self.owner):
            with self.subTest(user=user.username):
                page = self.page(user)
                self.assertComposes(page, yes=True)
                self.assertIn(APPROVAL, page)
                self.assertNotIn(READING, page)
        # The owner wrote it: only the approver is asked to approve it.
        self.assertIn("Bài chờ duyệt", self.page(self.approver))
        self.assertNotIn("Bài chờ duyệt", self.page(self.owner))

    def test_the_readers_page_does_not_grow_with_what_it_lists(self) -> None:
        self.login(self.viewer)
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("dashboard"))
        for number in range(25):
            unit = Unit.objects.create(
                name=f"Xã {number}", slug=f"xa-{number}", kind="commune", parent=self.district
            )
            channel = self.make_channel(unit, "zalo")
            published(channel, f"Tin {number}", NOW - timedelta(hours=number + 1))
            store.set_days(channel, {date(2026, 11, 3): {"posts": 1, "reach": 10}})
            self.alert(f"Cảnh báo {number}", channel, NOW - timedelta(hours=number + 1))
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "53 posts went out.")
        self.assertEqual(len(many), len(few))
        # Session, user, memberships (twice), posts, their count, alerts, units, figures (4),
        # the notification bell and the header's memberships.
        self.assertLessEqual(len(few), 14)
