"""Error pages speak the reader's language, in the app's layout, with a way back."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from pressroom.testing import ViewTestCase


class ErrorPagesTests(ViewTestCase):
    language = "vi"

    def test_a_missing_page_is_translated_in_the_layout_with_a_way_back(self) -> None:
        self.login(self.member)
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        text = response.content.decode()
        self.assertIn("Không tìm thấy trang", text)
        self.assertIn('class="site-header"', text)
        self.assertIn(f'href="{reverse("dashboard")}"', text)
        self.assertIn("Về trang chính", text)
        self.assertNotIn("Not Found", text)

    def test_a_role_that_does_not_allow_it_is_told_so(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("analytics_schedules", args=[self.commune.pk]),
            {"every": "month", "recipients": "a@example.gov.vn", "language": "vi"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Không được phép", status_code=403)
        self.assertContains(response, "Về trang chính", status_code=403)

    def test_an_expired_form_says_nothing_was_saved(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.member)
        response = strict.post(reverse("logout"))
        self.assertEqual(response.status_code, 403)
        text = response.content.decode()
        self.assertIn("Biểu mẫu đã hết hạn", text)
        self.assertIn("không có gì được lưu", text)
        self.assertIn('class="site-header"', text)
        self.assertNotIn("CSRF verification failed", text)

    def test_a_server_error_page_needs_no_request(self) -> None:
        request = RequestFactory().get("/")
        with translation.override("vi"):
            response = defaults.server_error(request)
        self.assertEqual(response.status_code, 500)
        text = response.content.decode()
        self.assertIn("Đã có lỗi xảy ra", text)
        self.assertIn(f'href="{reverse("dashboard")}"', text)
        with translation.override("en"):
            self.assertIn("Something went wrong", defaults.server_error(request).content.decode())
