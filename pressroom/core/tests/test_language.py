"""Vietnamese whatever the browser says; a person's choice kept with them, on every device."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from pressroom.core.dates import VIETNAM
from pressroom.core.models import Preferences
from pressroom.testing import ViewTestCase


class LanguageTests(ViewTestCase):
    def test_an_english_browser_gets_vietnamese(self) -> None:
        browser = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        response = browser.get(reverse("login"))
        self.assertContains(response, '<html lang="vi">')
        self.assertEqual(response["Content-Language"], "vi")
        browser.force_login(self.owner)
        self.assertContains(browser.get(reverse("post_list")), '<html lang="vi">')

    def test_the_choice_is_kept_with_the_person_and_follows_them(self) -> None:
        office = Client()
        office.force_login(self.owner)
        response = office.post(
            reverse("set_language"), {"language": "en", "next": reverse("post_list")}
        )
        self.assertRedirects(response, reverse("post_list"))
        self.assertEqual(Preferences.objects.get(user=self.owner).language, "en")
        self.assertContains(office.get(reverse("post_list")), '<html lang="en">')
        # Another device, no cookie, a Vietnamese browser: signing in brings English back.
        phone = Client(HTTP_ACCEPT_LANGUAGE="vi")
        self.assertContains(phone.get(reverse("login")), '<html lang="vi">')
        phone.force_login(self.owner)
        self.assertContains(phone.get(reverse("post_list")), '<html lang="en">')
        # Another person on the phone keeps their own default.
        phone.logout()
        other = Client()
        other.force_login(self.approver)
        self.assertContains(other.get(reverse("post_list")), '<html lang="vi">')

    def test_a_stored_choice_wins_over_the_cookie_at_sign_in(self) -> None:
        Preferences.objects.create(user=self.owner, language="vi")
        self.speak("en")
        self.client.force_login(self.owner)
        self.assertContains(self.client.get(reverse("post_list")), '<html lang="vi">')

    def test_signed_out_the_cookie_keeps_the_language_of_the_sign_in_page(self) -> None:
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        self.client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
        self.assertFalse(Preferences.objects.exists())
        self.assertContains(self.client.get(reverse("login")), '<html lang="en">')

    def test_an_unknown_language_or_an_outside_address_changes_nothing(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("set_language"), {"language": "fr", "next": "https://example.com/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertFalse(Preferences.objects.exists())
        self.assertEqual(self.client.get(reverse("set_language")).status_code, 405)


class DateStyleTests(ViewTestCase):
    moment = datetime(2026, 12, 1, 13, 25, tzinfo=VIETNAM)

    def test_vietnamese_dates(self) -> None:
        with translation.override("vi"):
            self.assertEqual(
                formats.date_format(self.moment, "SHORT_DATETIME_FORMAT"), "01/12/2026 13:25"
            )
            self.assertEqual(
                formats.date_format(self.moment, "DATETIME_FORMAT"), "01/12/2026 13:25"
            )
            self.assertEqual(
                formats.date_format(date(2026, 3, 5), "SHORT_DATE_FORMAT"), "05/03/2026"
            )
            self.assertEqual(
                formats.date_format(self.moment, "YEAR_MONTH_FORMAT"), "Tháng 12 năm 2026"
            )

    def test_english_dates_name_the_month(self) -> None:
        with translation.override("en"):
            self.assertEqual(
                formats.date_format(self.moment, "SHORT_DATETIME_FORMAT"), "1 Dec 2026, 13:25"
            )
            self.assertEqual(
                formats.date_format(date(2026, 3, 5), "SHORT_DATE_FORMAT"), "5 Mar 2026"
            )
            self.assertEqual(formats.date_format(self.moment, "YEAR_MONTH_FORMAT"), "December 2026")

    def test_the_week_starts_on_monday_in_both(self) -> None:
        for language in ("vi", "en"):
            with translation.override(language):
                self.assertEqual(formats.get_format("FIRST_DAY_OF_WEEK"), 1)
