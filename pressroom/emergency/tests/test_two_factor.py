"""Two-factor set-up: a secret to put in an app, one code to turn it on, a code to turn it off."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError
from pressroom.emergency import two_factor
from pressroom.emergency.tests.helpers import add_totp_device, code_for, wrong_code_for
from pressroom.testing import BaseTestCase


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class TwoFactorTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_set_up_and_turn_on(self) -> None:
        device = two_factor.start_two_factor(user=self.approver)
        self.assertFalse(two_factor.has_two_factor(self.approver))
        uri = urlsplit(two_factor.provisioning_uri(device))
        self.assertEqual(
            (uri.scheme, uri.netloc, uri.path), ("otpauth", "totp", "/Pressroom:approver")
        )
        query = parse_qs(uri.query)
        self.assertEqual(query["issuer"], ["Pressroom"])
        self.assertEqual(query["secret"][0], two_factor.secret_of(device).replace(" ", ""))
        self.assertTrue(two_factor.qr_data_uri(device).startswith("data:image/svg+xml"))

        with self.assertRaisesMessage(ActionError, "That code is not right."):
            two_factor.activate_two_factor(user=self.approver, code=wrong_code_for(device))
        self.assertFalse(two_factor.has_two_factor(self.approver))
        two_factor.activate_two_factor(user=self.approver, code=code_for(device))
        self.assertTrue(two_factor.has_two_factor(self.approver))
        self.assertTrue(AuditEvent.objects.filter(action="two_factor.on").exists())

    def test_starting_again_replaces_a_device_not_yet_proven(self) -> None:
        first = two_factor.start_two_factor(user=self.approver)
        second = two_factor.start_two_factor(user=self.approver)
        self.assertNotEqual(first.key, second.key)
        self.assertEqual(TOTPDevice.objects.filter(user=self.approver).count(), 1)

    def test_cannot_start_when_already_on(self) -> None:
        add_totp_device(self.approver)
        with self.assertRaisesMessage(ActionError, "already on"):
            two_factor.start_two_factor(user=self.approver)

    def test_turning_off_takes_a_current_code(self) -> None:
        device = add_totp_device(self.approver)
        with self.assertRaisesMessage(ActionError, "Enter the current 6-digit code"):
            two_factor.turn_off_two_factor(user=self.approver, code="")
        with self.assertRaisesMessage(ActionError, "not right"):
            two_factor.turn_off_two_factor(user=self.approver, code=wrong_code_for(device))
        self.assertTrue(two_factor.has_two_factor(self.approver))
        two_factor.turn_off_two_factor(user=self.approver, code=code_for(device))
        self.assertFalse(two_factor.has_two_factor(self.approver))
        self.assertTrue(AuditEvent.objects.filter(action="two_factor.off").exists())

    def test_spaces_in_a_code_are_ignored(self) -> None:
        device = add_totp_device(self.approver)
        code = code_for(device)
        method = two_factor.reauthenticate(user=self.approver, code=f" {code[:3]} {code[3:]} ")
        self.assertEqual(method, "totp")
