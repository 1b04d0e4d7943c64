"""Two-factor set-up page: /emergency/two-factor/."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pressroom.emergency import two_factor
from pressroom.emergency.tests.helpers import add_totp_device, code_for, wrong_code_for
from pressroom.testing import ViewTestCase


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class TwoFactorViewTests(ViewTestCase):
    url = "/emergency/two-factor/"

    def test_url_name(self) -> None:
        self.assertEqual(reverse("two_factor"), self.url)

    def test_set_up_shows_the_secret_and_turns_on_with_a_code(self) -> None:
        self.login(self.approver)
        page = self.client.get(self.url)
        self.assertContains(page, 'value="start"')
        response = self.client.post(self.url, {"step": "start"})
        self.assertRedirects(response, self.url)
        device = TOTPDevice.objects.get(user=self.approver)
        page = self.client.get(self.url)
        self.assertContains(page, two_factor.secret_of(device))
        self.assertContains(page, "otpauth://totp/Pressroom:approver?secret=")
        self.assertContains(page, 'src="data:image/svg+xml')

        response = self.client.post(self.url, {"step": "activate", "code": wrong_code_for(device)})
        self.assertContains(response, "That code is not right.")
        self.assertFalse(two_factor.has_two_factor(self.approver))

        response = self.client.post(self.url, {"step": "activate", "code": code_for(device)})
        self.assertRedirects(response, self.url)
        self.assertTrue(two_factor.has_two_factor(self.approver))
        self.assertContains(self.client.get(self.url), "Two-factor sign-in is on")

    def test_turning_off_takes_a_code(self) -> None:
        device = add_totp_device(self.approver)
        self.login(self.approver)
        response = self.client.post(self.url, {"step": "off", "code": ""})
        self.assertContains(response, "Enter the 6-digit code your authenticator app shows.")
        response = self.client.post(self.url, {"step": "off", "code": code_for(device)})
        self.assertRedirects(response, self.url)
        self.assertFalse(two_factor.has_two_factor(self.approver))

    def test_each_person_sees_only_their_own_device(self) -> None:
        device = add_totp_device(self.approver)
        self.login(self.outsider)
        page = self.client.get(self.url)
        self.assertNotContains(page, two_factor.secret_of(device))
        self.assertContains(page, 'value="start"')

    def test_sign_in_required(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 302)
