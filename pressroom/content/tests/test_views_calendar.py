"""The editorial calendar: /calendar/."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse

from pressroom.content.models import Post, Theme
from pressroom.publishing import scheduling
from pressroom.testing import ViewTestCase

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class CalendarTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.mastodon = self.make_channel(self.commune, "mastodon")
        self.theme = Theme.objects.create(unit=self.province, name="Mùa lễ hội")
        # 23:30 on Tuesday 8 January 2030 in Hà Nội is still the 8th there (16:30 UTC).
        self.late = self.scheduled(
            "Pháo hoa đêm giao thừa", datetime(2030, 1, 8, 23, 30, tzinfo=HANOI), self.facebook
        )
        self.commune_post = self.scheduled(
            "Chợ phiên Hợp Thành",
            datetime(2030, 1, 20, 7, 0, tzinfo=HANOI),
            self.mastodon,
            by=self.member,
            unit=self.commune,
        )

    def scheduled(self, title: str, at: datetime, channel: object, **fields: object) -> Post:
        post = self.make_approved_post(title=title, channels=[channel], **fields)
        return scheduling.schedule_post(post=post, by=self.owner, at=at)

    def test_week_shows_posts_on_their_vietnam_day_and_time(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("calendar"), {"view": "week", "date": "2030-01-09"})
        self.assertContains(response, "Pháo hoa đêm giao thừa")
        self.assertContains(response, "23:30")
        self.assertContains(response, "7 Jan \u2013 13 Jan 2030")
        self.assertNotContains(response, "Chợ phiên Hợp Thành")
        self.assertContains(response, "date=2029-12-31")
        self.assertContains(response, "date=2030-01-14")

    def test_month_shows_every_post_of_the_month(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("calendar"), {"view": "month", "date": "2030-01-15"})
        self.assertContains(response, "Pháo hoa đêm giao thừa")
        self.assertContains(response, "Chợ phiên Hợp Thành")
        self.assertContains(response, "date=2029-12-01")
        self.assertContains(response, "date=2030-02-01")
        self.assertContains(response, "view=month")

    def test_a_busy_day_of_the_month_shows_its_first_posts_and_leads_to_its_week(self) -> None:
        for minute in range(7):
            self.scheduled(
                f"Thông báo số {minute + 1}",
                datetime(2030, 1, 22, 8, minute, tzinfo=HANOI),
                self.facebook,
            )
        self.login(self.owner)
        response = self.client.get(reverse("calendar"), {"view": "month", "date": "2030-01-15"})
        text = response.content.decode()
        for shown in range(1, 5):
            self.assertIn(f"Thông báo số {shown}<", text)
        for hidden in range(5, 8):
            self.assertNotIn(f"Thông báo số {hidden}", text)
        more = text[text.index('class="calendar-more"') :].split("</a>")[0]
        self.assertIn("3 more", more)
        self.assertIn("view=week", more)
        self.assertIn("date=2030-01-22", more)
        # Every post of the month is counted, not only those shown.
        self.assertNotContains(response, "No post in this period.")
        week = self.client.get(reverse("calendar"), {"view": "week", "date": "2030-01-22"})
        for shown in range(1, 8):
            self.assertContains(week, f"Thông báo số {shown}")
        self.assertNotContains(week, "calendar-more")

    def test_filters(self) -> None:
        self.login(self.owner)
        month: dict[str, Any] = {"view": "month", "date": "2030-01-15"}
        by_unit = self.client.get(reverse("calendar"), {**month, "unit": self.commune.pk})
        self.assertContains(by_unit, "Chợ phiên Hợp Thành")
        self.assertNotContains(by_unit, "Pháo hoa đêm giao thừa")
        by_channel = self.client.get(reverse("calendar"), {**month, "channel": self.facebook.pk})
        self.assertContains(by_channel, "Pháo hoa đêm giao thừa")
        self.assertNotContains(by_channel, "Chợ phiên Hợp Thành")
        by_status = self.client.get(reverse("calendar"), {**month, "status": "draft"})
        self.assertContains(by_status, "No post in this period.")

    def test_drafts_appear_at_the_time_they_were_written(self) -> None:
        self.make_post(title="Bản nháp tuần này")
        self.login(self.owner)
        response = self.client.get(reverse("calendar"))
        self.assertContains(response, "Bản nháp tuần này")

    def test_member_sees_only_the_commune(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("calendar"), {"view": "month", "date": "2030-01-15"})
        self.assertContains(response, "Chợ phiên Hợp Thành")
        self.assertNotContains(response, "Pháo hoa đêm giao thừa")

    def test_outsider_sees_none_of_ours(self) -> None:
        self.login(self.outsider)
        response = self.client.get(reverse("calendar"), {"view": "month", "date": "2030-01-15"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Pháo hoa đêm giao thừa")
        self.assertNotContains(response, "Chợ phiên Hợp Thành")
        refused = self.client.get(
            reverse("calendar"),
            {"view": "month", "date": "2030-01-15", "unit": str(self.district.pk)},
        )
        self.assertNotContains(refused, "Pháo hoa đêm giao thừa")

    def test_a_bad_date_falls_back_to_this_week(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("calendar"), {"date": "not-a-date"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a valid date.")
