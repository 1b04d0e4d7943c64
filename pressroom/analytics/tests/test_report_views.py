"""The period report: on screen, downloaded as PDF, XLSX and CSV, and e-mailed on schedule."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import time_machine
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pressroom.analytics import schedules, store
from pressroom.analytics.models import CollectCursor, ReportSchedule
from pressroom.audit.models import AuditEvent
from pressroom.testing import ViewTestCase

QUARTER = {"period": "quarter", "year": "2026", "q": "4"}


class ReportTests(ViewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        commune = cls.make_channel(cls.commune, "facebook")
        district = cls.make_channel(cls.district, "telegram")
        store.set_days(
            commune,
            {
                date(2026, 10, 5): {"posts": 2, "reach": 1200, "reactions": 30, "followers": 500},
                date(2026, 11, 5): {"posts": 1, "reach": 800, "reactions": 10, "followers": 540},
            },
        )
        store.set_days(district, {date(2026, 10, 7): {"posts": 3, "followers": 1990}})
        store.set_days(district, {date(2026, 11, 5): {"followers": 2000}})
        CollectCursor.objects.create(
            channel=district,
            unavailable={
                "reach": "Telegram does not let bots read how many times a post was viewed"
            },
        )
        # Outside the quarter: not counted.
        store.set_days(commune, {date(2026, 9, 30): {"reach": 99_999}})

    def test_the_report_page_rolls_the_commune_up_into_the_district(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(reverse("analytics_report", args=[self.district.pk]), QUARTER)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertIn("6 posts", text)  # 2 + 1 in the commune, 3 in the district
        self.assertIn("2,000", text)  # reach of the commune's two days
        self.assertIn("2,540 followers", text)
        self.assertIn("Xã Hợp Thành", text)
        self.assertNotIn("99,999", text)

    def test_what_a_platform_does_not_give_is_a_dash_with_the_reason(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(reverse("analytics_report", args=[self.district.pk]), QUARTER)
        text = response.content.decode()
        row = text[text.index('<th scope="row">Telegram') :].split("</tr>")[0]
        self.assertEqual(row.count("<td"), 9)
        self.assertIn('<td class="number">—</td>', row.split("</td>")[1] + "</td>")
        self.assertIn("Telegram does not let bots read how many times a post was viewed", text)

    def test_the_pdf_is_a4_with_the_figures_and_diacritics_intact(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(
            reverse("analytics_report_download", args=[self.district.pk, "pdf"]),
            {**QUARTER, "number": "12/BC-UBND", "place": "Cao Lộc"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        page = reader.pages[0]
        self.assertAlmostEqual(float(page.mediabox.width), 595.28, delta=1)
        self.assertAlmostEqual(float(page.mediabox.height), 841.89, delta=1)
        text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
        words = " ".join(text.split())
        self.assertIn("No.: 12/BC-UBND", words)
        self.assertIn("SOCIALIST REPUBLIC OF VIET NAM", words)
        self.assertIn("Xã Hợp Thành", text)
        self.assertIn("2,540", words)
        self.assertTrue(
            AuditEvent.objects.filter(action="report.export", data__format="pdf").exists()
        )

    def test_in_vietnamese_the_pdf_has_the_national_heading(self) -> None:
        self.client.force_login(self.owner)
        self.speak("vi")
        response = self.client.get(
            reverse("analytics_report_download", args=[self.district.pk, "pdf"]),
            {**QUARTER, "number": "12/BC-UBND", "place": "Cao Lộc"},
        )
        reader = PdfReader(io.BytesIO(response.content))
        words = " ".join(
            unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages)).split()
        )
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", words)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", words)
        self.assertIn("Số: 12/BC-UBND", words)
        self.assertIn("2.540", words)

    def test_the_workbook_has_real_numbers(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(
            reverse("analytics_report_download", args=[self.district.pk, "xlsx"]), QUARTER
        )
        book = load_workbook(io.BytesIO(response.content))
        cells = [
            cell.value
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        self.assertIn("Xã Hợp Thành", cells)
        self.assertIn(2540, cells)
        self.assertIn(2000, cells)

    def test_the_csv_is_one_table(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(
            reverse("analytics_report_download", args=[self.district.pk, "csv"]), QUARTER
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "Unit")
        self.assertIn("Xã Hợp Thành", [row[0] for row in rows])

    def test_another_units_report_is_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for url in (
            reverse("analytics_report", args=[self.district.pk]),
            reverse("analytics_report_download", args=[self.district.pk, "pdf"]),
            reverse("analytics_schedules", args=[self.district.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_a_period_that_cannot_be_read_says_so(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(
            reverse("analytics_report", args=[self.district.pk]),
            {"period": "custom", "from": "31/12/2026", "to": "01/10/2026"},
        )
        self.assertContains(response, "The period&#x27;s start comes after its end.")


class ScheduleTests(ViewTestCase):
    def test_an_administrator_schedules_a_quarterly_report_sent_once(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("analytics_schedules", args=[self.district.pk])
        with time_machine.travel(date(2026, 12, 1)):
            refused = self.client.post(
                url, {"every": "quarter", "recipients": "not an address", "language": "vi"}
            )
            self.assertContains(refused, "is not an e-mail address")
            response = self.client.post(
                url,
                {"every": "quarter", "recipients": "lanhdao@example.gov.vn", "language": "vi"},
            )
            self.assertEqual(response.status_code, 302)
            # The quarter that ended before it was set is not sent.
            self.assertEqual(schedules.send_due(), 0)
        with time_machine.travel(date(2027, 1, 2)):
            self.assertEqual(schedules.send_due(), 1)
            self.assertEqual(schedules.send_due(), 0)
        (message,) = mail.outbox
        self.assertEqual(message.to, ["lanhdao@example.gov.vn"])
        self.assertIn("Huyện Cao Lộc", message.subject)
        names = sorted(name for name, _content, _type in message.attachments)
        self.assertEqual(names, ["cao-loc-2026-Q4.pdf", "cao-loc-2026-Q4.xlsx"])
        self.assertEqual(ReportSchedule.objects.get().last_sent, "2026-Q4")

    def test_an_editor_cannot_schedule(self) -> None:
        self.client.force_login(self.member)
        response = self.client.post(
            reverse("analytics_schedules", args=[self.commune.pk]),
            {"every": "month", "recipients": "a@example.gov.vn", "language": "vi"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ReportSchedule.objects.exists())
