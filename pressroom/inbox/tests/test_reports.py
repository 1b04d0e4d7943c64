"""The overdue list and the response report: figures checked against ones worked out by hand
on a small tree (province > district > commune, and a sibling district)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from pressroom.channels.models import Channel
from pressroom.inbox.models import Conversation, Message, ResponsePolicy
from pressroom.inbox.reports import Figures, response_report
from pressroom.inbox.tests.manage_factories import conversation, message
from pressroom.testing import ViewTestCase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
H = 3600.0


def at(text: str) -> datetime:
    """Hồ Chí Minh City time; 2026-03-02 is a Monday."""
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


class ReportData(ViewTestCase):
    """District Facebook, commune Zalo and Facebook, sibling Telegram; the commune's first
    answer target is 2.5 working hours, everyone else's the default 4."""

    district_fb: Channel
    commune_zalo: Channel
    commune_fb: Channel
    sibling_tg: Channel

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.district_fb = cls.make_channel(cls.district, "facebook")
        cls.commune_zalo = cls.make_channel(cls.commune, "zalo")
        cls.commune_fb = cls.make_channel(cls.commune, "facebook")
        cls.sibling_tg = cls.make_channel(cls.sibling, "telegram")
        ResponsePolicy.objects.create(unit=cls.commune, first_response_hours=2.5)

    @staticmethod
    def thread(
        channel: Any, begun: str, first: float | None = None, closed: float | None = None
    ) -> Conversation:
        start = at(begun)
        return conversation(
            channel,
            first_inbound_at=start,
            first_response_at=start if first is not None else None,
            first_response_s=first,
            resolution_s=closed,
        )


class ResponseReportTests(ReportData):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        c1 = cls.thread(cls.district_fb, "2026-03-02 09:00", 1 * H, 5 * H)
        c2 = cls.thread(cls.district_fb, "2026-03-03 09:00", 6 * H)
        c3 = cls.thread(cls.district_fb, "2026-03-04 09:00")
        c4 = cls.thread(cls.commune_zalo, "2026-03-02 10:00", 2 * H, 3 * H)
        c5 = cls.thread(cls.commune_fb, "2026-03-05 10:00", 3 * H)
        cls.thread(cls.sibling_tg, "2026-03-03 10:00", 0.5 * H)
        old = cls.thread(cls.district_fb, "2026-02-20 10:00", 0.1 * H)
        for item, when in [
            (c1, "03-02 09:00"),
            (c1, "03-02 11:00"),
            (c2, "03-03 09:00"),
            (c3, "03-04 09:00"),
        ]:
            message(item, at(f"2026-{when}"))
        message(c1, at("2026-03-02 10:00"), direction=Message.Direction.OUT)
        message(old, at("2026-02-20 10:00"))
        message(c4, at("2026-03-02 10:00"))
        message(c4, at("2026-03-06 16:59"))
        message(c5, at("2026-03-05 10:00"))

    def report(self, unit: Any) -> Any:
        return response_report(unit, at("2026-03-02 00:00"), at("2026-03-07 00:00"))

    def assertFigures(self, figures: Figures, **expected: Any) -> None:
        shown = {name: getattr(figures, name) for name in expected}
        self.assertEqual(shown, expected)

    def test_a_units_row_includes_the_units_below(self) -> None:
        district = self.report(self.district).units[0]
        self.assertEqual(district.unit, self.district)
        self.assertFigures(
            district.figures,
            conversations=5,
            received=7,
            answered=4,
            first_response_median=9000.0,
            first_response_average=10800.0,
            resolution_median=14400.0,
            resolution_average=14400.0,
            within_target=2,
            within_target_share=0.4,
        )

    def test_the_commune_row_and_its_own_target(self) -> None:
        rows = {row.unit: row for row in self.report(self.district).units}
        self.assertEqual(set(rows), {self.district, self.commune})
        self.assertFigures(
            rows[self.commune].figures,
            conversations=2,
            received=3,
            answered=2,
            first_response_median=9000.0,
            first_response_average=9000.0,
            resolution_median=10800.0,
            within_target=1,
        )

    def test_channel_rows_are_each_channel_alone(self) -> None:
        rows = {row.unit: row for row in self.report(self.district).units}
        (district_fb,) = rows[self.district].channels
        self.assertEqual(district_fb.channel, self.district_fb)
        self.assertFigures(
            district_fb.figures,
            conversations=3,
            received=4,
            answered=2,
            first_response_median=12600.0,
            resolution_median=18000.0,
            within_target=1,
        )
        commune = {row.channel: row.figures for row in rows[self.commune].channels}
        self.assertFigures(commune[self.commune_zalo], conversations=1, received=2, within_target=1)
        self.assertFigures(commune[self.commune_fb], conversations=1, received=1, within_target=0)

    def test_platform_rows(self) -> None:
        platforms = {row.platform: row.figures for row in self.report(self.district).platforms}
        self.assertEqual(set(platforms), {"facebook", "zalo"})
        self.assertFigures(
            platforms["facebook"],
            conversations=4,
            received=5,
            first_response_median=10800.0,
            first_response_average=12000.0,
            within_target=1,
        )

    def test_the_province_takes_in_every_district_and_an_odd_median(self) -> None:
        province = self.report(self.province).units[0]
        self.assertFigures(
            province.figures, conversations=6, answered=5, first_response_median=7200.0
        )

    def test_the_report_is_a_handful_of_queries(self) -> None:
        with self.assertNumQueries(11):  # whatever the size of the tree
            self.report(self.province)

    def test_the_page_shows_the_rows(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("inbox_report"),
            {"unit": str(self.district.pk), "from": "2026-03-02", "to": "2026-03-06"},
        )
        self.assertContains(response, "Huyện Cao Lộc")
        self.assertContains(response, "2 h 30 min")  # the district's median first answer
        self.assertContains(response, "40 %")
        self.assertContains(response, "download=csv")
        self.assertNotContains(response, "Huyện Lộc Bình")

    def test_the_csv_has_the_same_figures(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("inbox_report"),
            {
                "unit": str(self.district.pk),
                "from": "2026-03-02",
                "to": "2026-03-06",
                "download": "csv",
            },
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("inbox-report-cao-loc-20260302-20260306.csv", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text[1:])))
        self.assertEqual(rows[0][:5], ["Row", "Unit", "Channel", "Platform", "Conversations"])
        self.assertEqual(
            rows[1],
            [
                "unit and below",
                "Huyện Cao Lộc",
                "",
                "",
                "5",
                "7",
                "4",
                "2.50",
                "3.00",
                "4.00",
                "4.00",
                "40.0",
            ],
        )
        channel_rows = [row for row in rows if row[0] == "channel"]
        self.assertEqual(len(channel_rows), 3)
        self.assertIn(
            [
                "platform",
                "Huyện Cao Lộc",
                "",
                "Zalo Official Account",
                "1",
                "2",
                "1",
                "2.00",
                "2.00",
                "3.00",
                "3.00",
                "100.0",
            ],
            rows,
        )

    def test_without_a_unit_the_last_30_days_of_the_highest_unit(self) -> None:
        self.login(self.member)
        with time_machine.travel(at("2026-03-10 12:00"), tick=False):
            response = self.client.get(reverse("inbox_report"))
        self.assertContains(response, "Xã Hợp Thành")
        self.assertContains(response, 'value="2026-02-09"')

    def test_a_period_that_ends_before_it_starts_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("inbox_report"),
            {"unit": str(self.district.pk), "from": "2026-03-06", "to": "2026-03-02"},
        )
        self.assertContains(response, "The period ends before it starts.")

    def test_another_units_administrator_gets_nothing(self) -> None:
        self.login(self.outsider)
        response = self.client.get(
            reverse("inbox_report"),
            {
                "unit": str(self.district.pk),
                "from": "2026-03-02",
                "to": "2026-03-06",
                "download": "csv",
            },
        )
        self.assertEqual(response.status_code, 404)


class OverdueTests(ReportData):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        conversation(cls.district_fb, waiting_since=at("2026-03-06 15:00"), snippet="Hỏi A")
        conversation(cls.district_fb, waiting_since=at("2026-03-09 08:00"), snippet="Hỏi B")
        conversation(cls.commune_zalo, waiting_since=at("2026-03-06 16:00"), snippet="Hỏi C")
        conversation(
            cls.district_fb,
            waiting_since=at("2026-03-05 10:00"),
            status=Conversation.Status.CLOSED,
            snippet="Hỏi D",
        )
        conversation(cls.sibling_tg, waiting_since=at("2026-03-02 10:00"), snippet="Hỏi E")
        conversation(cls.district_fb, snippet="Hỏi F")

    def snippets(self, response: Any) -> list[str]:
        return [row.conversation.snippet for row in response.context["rows"]]

    def test_most_overdue_first_in_each_units_working_hours(self) -> None:
        self.login(self.owner)
        with time_machine.travel(at("2026-03-09 10:00"), tick=False):
            response = self.client.get(reverse("inbox_overdue"))
        # C: 3.5 h waited, 1 h past the commune's 2.5; A: 4.5 h, 30 min past 4 h.
        self.assertEqual(self.snippets(response), ["Hỏi C", "Hỏi A"])
        self.assertEqual(
            [row.overdue for row in response.context["rows"]], ["1 h 00 min", "30 min"]
        )
        self.assertEqual(
            [row.waited for row in response.context["rows"]], ["3 h 30 min", "4 h 30 min"]
        )
        self.assertNotContains(response, "Hỏi E")

    def test_each_sees_their_own_units_only(self) -> None:
        self.login(self.outsider)
        with time_machine.travel(at("2026-03-09 10:00"), tick=False):
            response = self.client.get(reverse("inbox_overdue"))
        self.assertEqual(self.snippets(response), ["Hỏi E"])
        self.login(self.member)
        with time_machine.travel(at("2026-03-09 10:00"), tick=False):
            response = self.client.get(reverse("inbox_overdue"))
        self.assertEqual(self.snippets(response), ["Hỏi C"])

    def test_nothing_overdue_yet(self) -> None:
        self.login(self.owner)
        with time_machine.travel(at("2026-03-06 15:30"), tick=False):
            response = self.client.get(reverse("inbox_overdue"))
        self.assertContains(response, "Nothing is waiting past its target.")

    def test_pages(self) -> None:
        for number in range(55):
            conversation(
                self.commune_fb, waiting_since=at("2026-03-02 08:00"), snippet=f"Cũ {number}"
            )
        self.login(self.owner)
        with time_machine.travel(at("2026-03-09 10:00"), tick=False):
            first = self.client.get(reverse("inbox_overdue"))
            second = self.client.get(reverse("inbox_overdue"), {"page": 2})
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertEqual(self.snippets(second)[-2:], ["Hỏi C", "Hỏi A"])
        self.assertContains(first, "Page 1 of 2")
