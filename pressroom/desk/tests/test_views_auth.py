"""Signing in and out, the language switch, and the page's security headers."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pressroom.testing import ViewTestCase


class SignInTests(ViewTestCase):
    def test_sign_in_with_the_password(self) -> None:
        page = self.client.get(reverse("login"))
        self.assertContains(page, 'name="username"')
        response = self.client.post(
            reverse("login"), {"username": "owner", "password": self.password}
        )
        self.assertRedirects(response, reverse("dashboard"))
        self.assertTrue(self.owner.password.startswith("argon2"))

    def test_a_wrong_password_is_refused(self) -> None:
        response = self.client.post(reverse("login"), {"username": "owner", "password": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please enter a correct username and password.")

    def test_sign_out_takes_a_post(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, reverse("login"))
        self.assertRedirects(self.client.get(reverse("dashboard")), reverse("login") + "?next=/")

    def test_admin_stays_at_admin(self) -> None:
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])


class LanguageSwitchTests(ViewTestCase):
    def test_switching_to_english_and_back(self) -> None:
        self.login(self.owner)
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": reverse("post_list")}
        )
        self.assertRedirects(response, reverse("post_list"))
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        self.assertContains(self.client.get(reverse("post_list")), '<html lang="en">')
        self.client.post(reverse("set_language"), {"language": "vi", "next": "/"})
        self.assertContains(self.client.get(reverse("post_list")), '<html lang="vi">')


class PageSecurityTests(ViewTestCase):
    def test_scripts_come_from_our_own_static_files_under_the_csp(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("post_create"))
        policy = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertIn("style-src 'self'", policy)
        self.assertContains(response, "/static/vendor/htmx/htmx.min.js")
        self.assertContains(response, "/static/pressroom.js")
        self.assertContains(response, "includeIndicatorStyles")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "cdn")
